package dev.sealpost.k8s;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every selector reaches what it is meant to: a Deployment its own template; a Service, a PodDisruptionBudget
 * and a topology spread constraint at least one pod template (and a Service's targetPort a container port);
 * a ServiceMonitor a Service and a port name of it; a PodMonitor an operator's pod; an HPA a Deployment;
 * an Ingress a Service port.
 */
final class Selectors {

    private Selectors() {
    }

    static List<String> violations(List<JsonNode> docs) {
        List<String> found = new ArrayList<>();
        List<Manifests.Workload> workloads = Manifests.workloads(docs);
        List<Endpoints.Pod> pods = Endpoints.all(docs);

        for (Manifests.Workload w : workloads) {
            if (!Manifests.selects(w.deployment().path("spec").path("selector"), w.podLabels()) || w.deployment().path("spec").path("selector").isEmpty()) {
                found.add("Deployment " + w.name() + ": its selector does not match its own pod template");
            }
            int index = 0;
            for (JsonNode constraint : w.podSpec().path("topologySpreadConstraints")) {
                if (!Manifests.selects(constraint.path("labelSelector"), w.podLabels()) || constraint.path("labelSelector").isEmpty()) {
                    found.add("Deployment " + w.name() + ": topologySpreadConstraints[" + index + "] does not select its own pods");
                }
                index++;
            }
        }
        for (JsonNode service : Manifests.ofKind(docs, "Service")) {
            List<Manifests.Workload> selected = workloads.stream()
                    .filter(w -> w.namespace().equals(Manifests.namespace(service)) && Manifests.selectsLabels(service.path("spec").path("selector"), w.podLabels()))
                    .toList();
            if (selected.isEmpty()) {
                found.add("Service " + Manifests.name(service) + " selects no pod template");
            }
            for (JsonNode port : service.path("spec").path("ports")) {
                String target = port.path("targetPort").asText(port.path("port").asText());
                for (Manifests.Workload w : selected) {
                    if (!w.ports().containsKey(target)) {
                        found.add("Service " + Manifests.name(service) + " port " + port.path("name").asText() + ": targetPort " + target
                                + " is no container port of " + w.name());
                    }
                }
            }
        }
        for (JsonNode pdb : Manifests.ofKind(docs, "PodDisruptionBudget")) {
            boolean any = workloads.stream().anyMatch(w -> w.namespace().equals(Manifests.namespace(pdb))
                    && Manifests.selects(pdb.path("spec").path("selector"), w.podLabels()));
            if (!any || pdb.path("spec").path("selector").isEmpty()) {
                found.add("PodDisruptionBudget " + Manifests.name(pdb) + " selects no pod template");
            }
        }
        for (JsonNode monitor : Manifests.ofKind(docs, "ServiceMonitor")) {
            List<JsonNode> services = Manifests.ofKind(docs, "Service").stream()
                    .filter(s -> Manifests.namespace(s).equals(Manifests.namespace(monitor))
                            && Manifests.selects(monitor.path("spec").path("selector"), Manifests.stringMap(s.path("metadata").path("labels"))))
                    .toList();
            if (services.isEmpty()) {
                found.add("ServiceMonitor " + Manifests.name(monitor) + " selects no Service (by the Service's own labels)");
            }
            for (JsonNode endpoint : monitor.path("spec").path("endpoints")) {
                String port = endpoint.path("port").asText();
                for (JsonNode service : services) {
                    boolean has = false;
                    for (JsonNode p : service.path("spec").path("ports")) {
                        has |= p.path("name").asText().equals(port);
                    }
                    if (!has) {
                        found.add("ServiceMonitor " + Manifests.name(monitor) + ": Service " + Manifests.name(service) + " has no port named " + port);
                    }
                }
            }
        }
        for (JsonNode monitor : Manifests.ofKind(docs, "PodMonitor")) {
            List<String> namespaces = new ArrayList<>();
            monitor.path("spec").path("namespaceSelector").path("matchNames").forEach(n -> namespaces.add(n.asText()));
            List<Endpoints.Pod> selected = pods.stream().filter(p -> !p.anyInNamespace()
                    && (namespaces.isEmpty() ? p.namespace().equals(Manifests.namespace(monitor)) : namespaces.contains(p.namespace()))
                    && Manifests.selects(monitor.path("spec").path("selector"), p.labels())).toList();
            if (selected.isEmpty()) {
                found.add("PodMonitor " + Manifests.name(monitor) + " selects no pod");
            }
            for (JsonNode endpoint : monitor.path("spec").path("podMetricsEndpoints")) {
                for (Endpoints.Pod pod : selected) {
                    if (!pod.ports().containsKey(endpoint.path("port").asText())) {
                        found.add("PodMonitor " + Manifests.name(monitor) + ": " + pod.name() + " has no port " + endpoint.path("port").asText());
                    }
                }
            }
        }
        for (JsonNode hpa : Manifests.ofKind(docs, "HorizontalPodAutoscaler")) {
            JsonNode target = hpa.path("spec").path("scaleTargetRef");
            boolean exists = workloads.stream().anyMatch(w -> w.name().equals(target.path("name").asText())
                    && w.namespace().equals(Manifests.namespace(hpa)) && Manifests.kind(w.deployment()).equals(target.path("kind").asText()));
            if (!exists) {
                found.add("HorizontalPodAutoscaler " + Manifests.name(hpa) + " scales " + target.path("kind").asText() + " " + target.path("name").asText() + ", which is not rendered");
            }
        }
        for (JsonNode ingress : Manifests.ofKind(docs, "Ingress")) {
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                for (JsonNode path : rule.path("http").path("paths")) {
                    JsonNode backend = path.path("backend").path("service");
                    String port = backend.path("port").has("name") ? backend.path("port").path("name").asText() : backend.path("port").path("number").asText();
                    boolean ok = Manifests.ofKind(docs, "Service").stream().anyMatch(s -> Manifests.name(s).equals(backend.path("name").asText())
                            && Manifests.namespace(s).equals(Manifests.namespace(ingress))
                            && portOf(s, port));
                    if (!ok) {
                        found.add("Ingress " + Manifests.name(ingress) + ": no Service " + backend.path("name").asText() + " with port " + port);
                    }
                }
            }
        }
        return found;
    }

    private static boolean portOf(JsonNode service, String port) {
        for (JsonNode p : service.path("spec").path("ports")) {
            if (p.path("name").asText().equals(port) || p.path("port").asText().equals(port)) {
                return true;
            }
        }
        return false;
    }

    static Map<String, String> labels(JsonNode doc) {
        return Manifests.stringMap(doc.path("metadata").path("labels"));
    }
}
