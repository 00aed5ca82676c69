package dev.sealpost.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SelectorTest {

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/production"})
    void everySelectorReachesItsPods(String overlay) {
        Checks.none(overlay, Selectors.violations(Manifests.overlay(overlay)));
    }

    @Test
    void aServiceSelectingNothingFails() {
        Checks.caught(Selectors.violations(Manifests.withBroken("overlays/production", "service-wrong-selector.yaml")),
                "Service mail-service selects no pod template");
    }

    @Test
    void aPdbSelectingNothingFails() {
        Checks.caught(Selectors.violations(Manifests.withBroken("overlays/production", "pdb-wrong-selector.yaml")),
                "PodDisruptionBudget audit-service selects no pod template");
    }

    @Test
    void aServiceMonitorOnAMissingPortFails() {
        Checks.caught(Selectors.violations(Manifests.withBroken("overlays/production", "servicemonitor-wrong-port.yaml")),
                "has no port named metrics");
    }
}
