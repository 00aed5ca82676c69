package dev.sealpost.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SecretTest {

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/production"})
    void eachSecretReachesOnlyItsUsers(String overlay) {
        Checks.none(overlay, SecretUse.violations(Manifests.overlay(overlay)));
    }

    @Test
    void theKekReachesKeyServiceOnly() {
        assertEquals(Set.of("key-service"), SecretUse.references(Manifests.overlay("overlays/production")).get("sealpost-kek"));
    }

    @Test
    void theKekInMailServiceFails() {
        Checks.caught(SecretUse.violations(Manifests.withBroken("overlays/production", "deployment-kek-in-mail-service.yaml")),
                "Secret sealpost-kek reaches mail-service");
    }

    @Test
    void aKafkaUserWhoseSecretLandsElsewhereFails() {
        Checks.caught(SecretUse.violations(Manifests.withBroken("overlays/production", "kafkauser-wrong-namespace.yaml")),
                "but Kafka sealpost-kafka's User Operator watches sealpost");
    }

    @Test
    void aCommittedSecretFails() {
        Checks.caught(SecretUse.violations(Manifests.withBroken("overlays/production", "secret-committed.yaml")),
                "is rendered from the repository");
    }
}
