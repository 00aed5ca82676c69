package dev.sealpost.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Default deny both ways, then exactly the flows Sealpost has. */
class NetworkPolicyTest {

    private static final List<String> SERVICES = List.of("gateway", "key-service", "mail-service", "audit-service");

    /** The flows the code has (docs/kubernetes.md, "Network"). */
    static TreeSet<String> expectedEgress() {
        TreeSet<String> flows = new TreeSet<>();
        for (String s : SERVICES) {
            flows.add(s + " -> kube-dns:53/UDP");
            flows.add(s + " -> kube-dns:53");
            flows.add(s + " -> sealpost-kafka broker:9093");
        }
        flows.add("gateway -> key-service:8081");
        flows.add("gateway -> mail-service:8082");
        flows.add("gateway -> audit-service:8083");
        flows.add("gateway -> sealpost-keycloak:8080");
        flows.add("gateway -> ingress-nginx/*:443");
        flows.add("mail-service -> key-service:8081");
        flows.add("audit-service -> key-service:8081");
        for (String s : List.of("key-service", "mail-service", "audit-service")) {
            flows.add(s + " -> sealpost-db postgres:5432");
        }
        return flows;
    }

    static TreeSet<String> expectedIngress() {
        TreeSet<String> flows = new TreeSet<>();
        flows.add("ingress-nginx/* -> gateway:8080");
        flows.add("sealpost-keycloak -> gateway:8080");
        flows.add("gateway -> key-service:8081");
        flows.add("mail-service -> key-service:8081");
        flows.add("audit-service -> key-service:8081");
        flows.add("gateway -> mail-service:8082");
        flows.add("gateway -> audit-service:8083");
        flows.add("monitoring/* -> gateway:9080");
        flows.add("monitoring/* -> key-service:9081");
        flows.add("monitoring/* -> mail-service:9082");
        flows.add("monitoring/* -> audit-service:9083");
        return flows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/production"})
    void exactlyTheRealFlowsAreAllowed(String overlay) {
        NetworkFlows.Result result = NetworkFlows.analyse(Manifests.overlay(overlay));
        Checks.none(overlay, result.violations());
        assertEquals(expectedEgress(), result.egress(), "egress");
        assertEquals(expectedIngress(), result.ingress(), "ingress");
    }

    @Test
    void aPortNoPodHasFails() {
        Checks.caught(NetworkFlows.analyse(Manifests.withBroken("overlays/production", "networkpolicy-wrong-port.yaml")).violations(),
                "port 8089 is no port of key-service");
    }

    @Test
    void aSelectorThatMatchesNothingFails() {
        Checks.caught(NetworkFlows.analyse(Manifests.withBroken("overlays/production", "networkpolicy-wrong-selector.yaml")).violations(),
                "selects no pod");
    }

    @Test
    void aFlowAllowedOnOneSideOnlyFails() {
        Checks.caught(NetworkFlows.analyse(Manifests.withBroken("overlays/production", "networkpolicy-one-sided.yaml")).violations(),
                "egress mail-service -> audit-service:8083 has no matching ingress");
    }

    @Test
    void aPodNoPolicyAllowsFails() {
        Checks.caught(NetworkFlows.analyse(Manifests.withBroken("overlays/production", "networkpolicy-default-deny-missing.yaml")).violations(),
                "no default-deny policy for Egress");
    }

    @Test
    void anOpenRuleFails() {
        Checks.caught(NetworkFlows.analyse(Manifests.withBroken("overlays/production", "networkpolicy-open.yaml")).violations(),
                "allows every peer");
    }
}
