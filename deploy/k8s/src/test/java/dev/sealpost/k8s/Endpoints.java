package dev.sealpost.k8s;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every pod a flow can have at either end: Sealpost's own pod templates, the pods the operators make from the
 * rendered custom resources (with the labels and ports those operators give them), and the few outside pods
 * the manifests rely on (cluster DNS, the ingress controller, Prometheus).
 */
final class Endpoints {

    /** A pod (or, with labels null, any pod of a namespace): its name for messages, and its ports by name and number. */
    record Pod(String name, String namespace, Map<String, String> labels, Map<String, Integer> ports, boolean sealpost) {
        boolean anyInNamespace() {
            return labels == null;
        }
    }

    static final String APP_NAMESPACE = "sealpost";

    private Endpoints() {
    }

    static List<Pod> all(List<JsonNode> docs) {
        List<Pod> pods = new ArrayList<>();
        for (Manifests.Workload w : Manifests.workloads(docs)) {
            pods.add(new Pod(w.name(), w.namespace(), w.podLabels(), w.ports(), true));
        }
        for (JsonNode kafka : Manifests.ofKind(docs, "Kafka")) {
            String name = Manifests.name(kafka);
            Map<String, Integer> listeners = new LinkedHashMap<>();
            for (JsonNode listener : kafka.path("spec").path("kafka").path("listeners")) {
                int port = listener.path("port").asInt();
                listeners.put(String.valueOf(port), port);
            }
            pods.add(new Pod(name + " broker", Manifests.namespace(kafka), Map.of("strimzi.io/cluster", name, "strimzi.io/kind", "Kafka",
                    "strimzi.io/name", name + "-kafka", "strimzi.io/broker-role", "true"), listeners, false));
            if (kafka.path("spec").has("kafkaExporter")) {
                pods.add(new Pod(name + " kafka-exporter", Manifests.namespace(kafka), Map.of("strimzi.io/cluster", name, "strimzi.io/kind", "Kafka",
                        "strimzi.io/name", name + "-kafka-exporter"), Map.of("tcp-prometheus", 9404, "9404", 9404), false));
            }
        }
        for (JsonNode cluster : Manifests.ofKind(docs, "Cluster")) {
            String name = Manifests.name(cluster);
            pods.add(new Pod(name + " postgres", Manifests.namespace(cluster), Map.of("cnpg.io/cluster", name, "cnpg.io/podRole", "instance"),
                    Map.of("postgresql", 5432, "5432", 5432, "metrics", 9187, "9187", 9187), false));
        }
        for (JsonNode keycloak : Manifests.ofKind(docs, "Keycloak")) {
            String name = Manifests.name(keycloak);
            int http = keycloak.path("spec").path("http").path("httpPort").asInt(8080);
            pods.add(new Pod(name, Manifests.namespace(keycloak), Map.of("app", "keycloak", "app.kubernetes.io/instance", name,
                    "app.kubernetes.io/managed-by", "keycloak-operator"), Map.of("http", http, String.valueOf(http), http, "management", 9000, "9000", 9000), false));
        }
        pods.add(new Pod("kube-dns", "kube-system", Map.of("k8s-app", "kube-dns"), Map.of("53", 53, "dns", 53), false));
        pods.add(new Pod("ingress-nginx/*", "ingress-nginx", null, Map.of("80", 80, "443", 443), false));
        pods.add(new Pod("monitoring/*", "monitoring", null, Map.of(), false));
        return pods;
    }
}
