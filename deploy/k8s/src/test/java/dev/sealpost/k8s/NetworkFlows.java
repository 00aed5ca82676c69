package dev.sealpost.k8s;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the NetworkPolicies of the Sealpost namespace allow, as flows "from -> to:port" between the pods of
 * {@link Endpoints}. Each rule must select at least one pod and name a port those pods really have; each
 * Sealpost pod must be under a default deny and selected by an allowing policy; a flow between two Sealpost
 * pods must be allowed by the sender's egress and the receiver's ingress alike.
 */
final class NetworkFlows {

    record Result(TreeSet<String> ingress, TreeSet<String> egress, List<String> violations) {
    }

    private NetworkFlows() {
    }

    static Result analyse(List<JsonNode> docs) {
        List<Endpoints.Pod> pods = Endpoints.all(docs);
        List<String> violations = new ArrayList<>();
        TreeSet<String> ingress = new TreeSet<>();
        TreeSet<String> egress = new TreeSet<>();
        List<JsonNode> policies = Manifests.ofKind(docs, "NetworkPolicy");
        List<Endpoints.Pod> own = pods.stream().filter(Endpoints.Pod::sealpost).toList();

        for (String direction : List.of("Ingress", "Egress")) {
            boolean denied = policies.stream().anyMatch(p -> p.path("spec").path("podSelector").isEmpty()
                    && types(p).contains(direction) && p.path("spec").path(direction.toLowerCase()).isEmpty());
            if (!denied) {
                violations.add("no default-deny policy for " + direction);
            }
        }
        for (Endpoints.Pod pod : own) {
            for (String direction : List.of("Ingress", "Egress")) {
                boolean allowed = policies.stream().anyMatch(p -> types(p).contains(direction)
                        && !p.path("spec").path(direction.toLowerCase()).isEmpty()
                        && Manifests.namespace(p).equals(pod.namespace())
                        && Manifests.selects(p.path("spec").path("podSelector"), pod.labels()));
                if (!allowed) {
                    violations.add(pod.name() + " is selected by no NetworkPolicy that allows " + direction);
                }
            }
        }

        for (JsonNode policy : policies) {
            String name = "NetworkPolicy " + Manifests.name(policy);
            List<Endpoints.Pod> subjects = own.stream()
                    .filter(p -> p.namespace().equals(Manifests.namespace(policy)) && Manifests.selects(policy.path("spec").path("podSelector"), p.labels()))
                    .toList();
            if (subjects.isEmpty()) {
                violations.add(name + " selects no pod");
            }
            for (String direction : List.of("ingress", "egress")) {
                int index = 0;
                for (JsonNode rule : policy.path("spec").path(direction)) {
                    String where = name + " " + direction + "[" + index++ + "]";
                    JsonNode peersNode = rule.path(direction.equals("ingress") ? "from" : "to");
                    if (peersNode.isEmpty()) {
                        violations.add(where + " allows every peer: name them");
                        continue;
                    }
                    if (rule.path("ports").isEmpty()) {
                        violations.add(where + " allows every port: name them");
                        continue;
                    }
                    for (JsonNode peer : peersNode) {
                        if (peer.has("ipBlock")) {
                            violations.add(where + " uses an ipBlock: select pods instead");
                            continue;
                        }
                        List<Endpoints.Pod> peers = peers(peer, Manifests.namespace(policy), pods);
                        if (peers.isEmpty()) {
                            violations.add(where + " peer " + peer + " selects no pod");
                            continue;
                        }
                        for (JsonNode port : rule.path("ports")) {
                            String p = port.path("port").asText();
                            String protocol = port.path("protocol").asText("TCP");
                            // the port is the receiver's: the subject's own for ingress, the peer's for egress
                            List<Endpoints.Pod> receivers = direction.equals("ingress") ? subjects : peers;
                            List<Endpoints.Pod> senders = direction.equals("ingress") ? peers : subjects;
                            for (Endpoints.Pod receiver : receivers) {
                                Integer number = receiver.ports().get(p);
                                if (number == null) {
                                    violations.add(where + " port " + p + " is no port of " + receiver.name());
                                    continue;
                                }
                                for (Endpoints.Pod sender : senders) {
                                    String flow = sender.name() + " -> " + receiver.name() + ":" + number + (protocol.equals("TCP") ? "" : "/" + protocol);
                                    (direction.equals("ingress") ? ingress : egress).add(flow);
                                }
                            }
                        }
                    }
                }
            }
        }
        // between two Sealpost pods, both sides must allow the flow or it is dropped
        for (String flow : egress) {
            if (isOwn(flow, own) && !ingress.contains(flow)) {
                violations.add("egress " + flow + " has no matching ingress");
            }
        }
        for (String flow : ingress) {
            if (isOwn(flow, own) && !egress.contains(flow)) {
                violations.add("ingress " + flow + " has no matching egress");
            }
        }
        return new Result(ingress, egress, violations);
    }

    private static boolean isOwn(String flow, List<Endpoints.Pod> own) {
        String from = flow.substring(0, flow.indexOf(" -> "));
        String to = flow.substring(flow.indexOf(" -> ") + 4, flow.lastIndexOf(':'));
        return own.stream().anyMatch(p -> p.name().equals(from)) && own.stream().anyMatch(p -> p.name().equals(to));
    }

    private static List<String> types(JsonNode policy) {
        List<String> types = new ArrayList<>();
        policy.path("spec").path("policyTypes").forEach(t -> types.add(t.asText()));
        return types;
    }

    private static List<Endpoints.Pod> peers(JsonNode peer, String policyNamespace, List<Endpoints.Pod> pods) {
        List<Endpoints.Pod> selected = new ArrayList<>();
        for (Endpoints.Pod pod : pods) {
            boolean namespaceMatches;
            if (peer.has("namespaceSelector")) {
                namespaceMatches = Manifests.selects(peer.path("namespaceSelector"), Map.of("kubernetes.io/metadata.name", pod.namespace()));
            } else {
                namespaceMatches = pod.namespace().equals(policyNamespace);
            }
            if (!namespaceMatches) {
                continue;
            }
            if (!peer.has("podSelector")) {
                selected.add(pod);
            } else if (pod.anyInNamespace()) {
                // an outside namespace we know nothing of but its name: a pod selector there is unverifiable
                continue;
            } else if (Manifests.selects(peer.path("podSelector"), pod.labels())) {
                selected.add(pod);
            }
        }
        return selected;
    }
}
