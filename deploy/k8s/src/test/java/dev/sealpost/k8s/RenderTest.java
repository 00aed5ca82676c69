package dev.sealpost.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every overlay renders with the pinned kustomize, and holds what the issue asks of it. */
class RenderTest {

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/production"})
    void rendersWithThePinnedKustomize(String overlay) {
        List<JsonNode> docs = Manifests.overlay(overlay);
        Set<String> kinds = docs.stream().map(Manifests::kind).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(Set.of("Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy", "Ingress",
                "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Cluster", "Database", "Keycloak", "KeycloakRealmImport")), kinds.toString());
        assertEquals(Set.of("gateway", "key-service", "mail-service", "audit-service"),
                Manifests.workloads(docs).stream().map(Manifests.Workload::name).collect(Collectors.toSet()));
        // every namespaced object is in one of the two namespaces the overlay makes
        for (JsonNode doc : docs) {
            if (!Manifests.kind(doc).equals("Namespace")) {
                assertTrue(Set.of("sealpost", "sealpost-platform").contains(Manifests.namespace(doc)), Manifests.id(doc));
            }
        }
    }

    @Test
    void usesThePinnedBinary() {
        if (System.getProperty("sealpost.kubectl") == null) {
            assertTrue(Kustomize.binary().endsWith("/kubectl-v1.33.9/kubectl"), Kustomize.binary());
        }
    }

    @Test
    void productionPinsImagesByDigestAndRunsThreeOfEverything() {
        List<JsonNode> docs = Manifests.overlay("overlays/production");
        for (Manifests.Workload w : Manifests.workloads(docs)) {
            assertTrue(w.podSpec().path("containers").get(0).path("image").asText().matches(".+@sha256:[0-9a-f]{64}"), w.name());
            assertEquals(3, w.deployment().path("spec").path("replicas").asInt(), w.name());
            assertTrue(w.podSpec().path("topologySpreadConstraints").size() >= 1, w.name() + " has no topology spread");
        }
        assertEquals(3, Manifests.ofKind(docs, "KafkaNodePool").get(0).path("spec").path("replicas").asInt());
        assertEquals(3, Manifests.ofKind(docs, "Cluster").get(0).path("spec").path("instances").asInt());
        for (JsonNode topic : Manifests.ofKind(docs, "KafkaTopic")) {
            assertEquals(3, topic.path("spec").path("replicas").asInt(), Manifests.name(topic));
            assertEquals(2, topic.path("spec").path("config").path("min.insync.replicas").asInt(), Manifests.name(topic));
        }
        assertEquals(1, Manifests.ofKind(docs, "ScheduledBackup").size());
    }

    @Test
    void demoUsersOnlyInDev() {
        for (String overlay : Manifests.OVERLAYS) {
            for (JsonNode realm : Manifests.ofKind(Manifests.overlay(overlay), "KeycloakRealmImport")) {
                Set<String> users = new java.util.TreeSet<>();
                realm.path("spec").path("realm").path("users").forEach(u -> users.add(u.path("username").asText()));
                users.removeIf(u -> u.startsWith("service-account-"));
                assertEquals(overlay.endsWith("dev"), !users.isEmpty(), overlay + " " + Manifests.name(realm) + " users " + users);
                JsonNode spec = realm.path("spec").path("realm");
                // as deploy/local/keycloak: brute-force protection and TOTP
                assertTrue(spec.path("bruteForceProtected").asBoolean(), Manifests.name(realm));
                assertEquals("totp", spec.path("otpPolicyType").asText(), Manifests.name(realm));
            }
        }
    }
}
