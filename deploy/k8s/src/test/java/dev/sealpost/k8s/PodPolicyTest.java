package dev.sealpost.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PodPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/production"})
    void everyPodIsRestrictedAndStopsGracefully(String overlay) {
        Checks.none(overlay, PodPolicy.violations(Manifests.overlay(overlay)));
    }

    @Test
    void privilegeEscalationAndAWritableRootFail() {
        var found = PodPolicy.violations(Manifests.withBroken("overlays/production", "deployment-not-restricted.yaml"));
        Checks.caught(found, "allowPrivilegeEscalation must be false");
        Checks.caught(found, "readOnlyRootFilesystem must be true");
        Checks.caught(found, "capabilities must drop ALL");
        Checks.caught(found, "automountServiceAccountToken must be false");
        Checks.caught(found, "hostPath");
    }

    @Test
    void probesOffTheManagementPortAndUnequalMemoryFail() {
        var found = PodPolicy.violations(Manifests.withBroken("overlays/production", "deployment-probes-memory.yaml"));
        Checks.caught(found, "readinessProbe must use the management port");
        Checks.caught(found, "startupProbe must GET /q/health/started");
        Checks.caught(found, "memory request (256Mi) must equal its limit (512Mi)");
    }

    @Test
    void aShutdownLongerThanTheGracePeriodFails() {
        Checks.caught(PodPolicy.violations(Manifests.withBroken("overlays/production", "deployment-shutdown-too-long.yaml")),
                "must be less than terminationGracePeriodSeconds 30");
    }
}
