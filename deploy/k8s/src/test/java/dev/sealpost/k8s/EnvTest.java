package dev.sealpost.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvTest {

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/production"})
    void everyVariableIsOneTheServiceReads(String overlay) {
        Checks.none(overlay, EnvNames.violations(Manifests.overlay(overlay)));
    }

    @Test
    void theConfigurationIsReadFromTheSources() {
        EnvNames.ServiceConfig key = EnvNames.config("key-service");
        assertTrue(key.required().contains("SEALPOST_KEK"), key.required().toString());
        assertTrue(key.reads("SEALPOST_DB_PASSWORD"), "libs/outbox's placeholders count for key-service");
        assertTrue(key.reads("KAFKA_SASL_JAAS_CONFIG"));
        assertFalse(key.reads("KAFKA_SASL_JAAS_CONFIGG"));
        assertFalse(EnvNames.config("gateway").reads("SEALPOST_DB_PASSWORD"), "the gateway has no database");
    }

    @Test
    void aMisspelledVariableFails() {
        Checks.caught(EnvNames.violations(Manifests.withBroken("overlays/production", "deployment-env-typo.yaml")),
                "SEALPOST_KEY_SERVICE_URLL is read by nothing");
    }

    @Test
    void aMissingRequiredVariableFails() {
        Checks.caught(EnvNames.violations(Manifests.withBroken("overlays/production", "deployment-env-typo.yaml")),
                "SEALPOST_DB_PASSWORD has no default and is not set");
    }
}
