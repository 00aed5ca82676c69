package dev.sealpost.k8s;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Secrets are referenced, never committed, and each reaches only the workloads that use it. Who may hold which
 * Secret is declared here, from the code (deploy/local/sealpost.sh hands each process the same ones): a
 * reference from anyone else, or to a Secret not declared, is a violation.
 */
final class SecretUse {

    /** Secret name -> the consumers that use it (a Deployment's name, or the platform component reading it). */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            // the gateway presents it at key-service and Keycloak; key-service checks it; Keycloak's realm client holds it
            Map.entry("sealpost-gateway-client", Set.of("gateway", "key-service", "keycloak")),
            // audit-service presents it at key-service (/internal/audit-checkpoints), which checks it
            Map.entry("sealpost-audit-client", Set.of("audit-service", "key-service")),
            Map.entry("sealpost-kek", Set.of("key-service")),
            Map.entry("sealpost-db-keys", Set.of("key-service", "postgres")),
            Map.entry("sealpost-db-mail", Set.of("mail-service", "postgres")),
            Map.entry("sealpost-db-audit", Set.of("audit-service", "postgres")),
            Map.entry("sealpost-db-keycloak", Set.of("keycloak", "postgres")),
            Map.entry("sealpost-db-backup-s3", Set.of("postgres")),
            // Strimzi writes one per KafkaUser
            Map.entry("sealpost-kafka-gateway", Set.of("gateway")),
            Map.entry("sealpost-kafka-key-service", Set.of("key-service")),
            Map.entry("sealpost-kafka-mail-service", Set.of("mail-service")),
            Map.entry("sealpost-kafka-audit-service", Set.of("audit-service")),
            // the Kafka cluster's CA certificate: public, every Kafka client verifies the brokers with it
            Map.entry("sealpost-kafka-cluster-ca-cert", Set.of("gateway", "key-service", "mail-service", "audit-service")),
            Map.entry("sealpost-gateway-tls", Set.of("ingress-controller")));

    private SecretUse() {
    }

    /** Secret name -> who references it. */
    static Map<String, Set<String>> references(List<JsonNode> docs) {
        Map<String, Set<String>> refs = new TreeMap<>();
        for (JsonNode doc : docs) {
            String consumer = consumer(doc);
            List<String> names = new ArrayList<>();
            collect(doc.path("spec"), false, names);
            for (String name : names) {
                refs.computeIfAbsent(name, n -> new TreeSet<>()).add(consumer);
            }
        }
        return refs;
    }

    static List<String> violations(List<JsonNode> docs) {
        List<String> found = new ArrayList<>();
        for (JsonNode secret : Manifests.ofKind(docs, "Secret")) {
            found.add("Secret " + Manifests.name(secret) + " is rendered from the repository: secrets are created in the cluster (docs/kubernetes.md)");
        }
        for (Map.Entry<String, Set<String>> ref : references(docs).entrySet()) {
            Set<String> allowed = ALLOWED.get(ref.getKey());
            if (allowed == null) {
                found.add("Secret " + ref.getKey() + " (referenced by " + ref.getValue() + ") is not declared in SecretUse.ALLOWED");
                continue;
            }
            for (String consumer : ref.getValue()) {
                if (!allowed.contains(consumer)) {
                    found.add("Secret " + ref.getKey() + " reaches " + consumer + ", which does not use it (allowed: " + new TreeSet<>(allowed) + ")");
                }
            }
        }
        // a KafkaUser's Secret carries the user's name: a workload must read its own user's
        for (JsonNode user : Manifests.ofKind(docs, "KafkaUser")) {
            String name = Manifests.name(user);
            if (!ALLOWED.containsKey(name)) {
                found.add("KafkaUser " + name + " makes a Secret no workload is declared to use");
                continue;
            }
            // Strimzi writes the Secret in the KafkaUser's namespace, and reconciles only the namespace its User Operator watches
            String cluster = user.path("metadata").path("labels").path("strimzi.io/cluster").asText();
            for (JsonNode kafka : Manifests.ofKind(docs, "Kafka")) {
                if (Manifests.name(kafka).equals(cluster)) {
                    String watched = kafka.path("spec").path("entityOperator").path("userOperator").path("watchedNamespace").asText(Manifests.namespace(kafka));
                    if (!watched.equals(Manifests.namespace(user))) {
                        found.add("KafkaUser " + name + " is in namespace " + Manifests.namespace(user) + ", but Kafka " + cluster + "'s User Operator watches " + watched);
                    }
                }
            }
            for (Manifests.Workload w : Manifests.workloads(docs)) {
                if (ALLOWED.get(name).contains(w.name()) && !w.namespace().equals(Manifests.namespace(user))) {
                    found.add("KafkaUser " + name + "'s Secret is written in " + Manifests.namespace(user) + ", but " + w.name() + " runs in " + w.namespace());
                }
            }
        }
        return found;
    }

    private static String consumer(JsonNode doc) {
        switch (Manifests.kind(doc)) {
            case "Deployment": return Manifests.name(doc);
            case "Keycloak":
            case "KeycloakRealmImport": return "keycloak";
            case "Cluster":
            case "ScheduledBackup":
            case "Database": return "postgres";
            case "Ingress": return "ingress-controller";
            default: return Manifests.kind(doc) + "/" + Manifests.name(doc);
        }
    }

    /**
     * Secret references wherever they sit: {@code secretName: X}; an object under a key that names a secret
     * (secretKeyRef, secretRef, secret, passwordSecret, usernameSecret, tlsSecret ...) or credentials
     * (s3Credentials: each {name, key} below it) with a {@code name}.
     */
    private static void collect(JsonNode node, boolean underCredentials, List<String> names) {
        if (node.isArray()) {
            node.forEach(n -> collect(n, underCredentials, names));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.equals("secretName") && value.isTextual()) {
                names.add(value.asText());
            } else if (value.isObject() && value.path("name").isTextual()
                    && (key.toLowerCase().contains("secret") || underCredentials)) {
                names.add(value.path("name").asText());
            } else if (key.equals("realm")) {
                // a realm's own content (client secrets as placeholders) is not a Secret reference
                continue;
            } else {
                collect(value, underCredentials || key.endsWith("Credentials"), names);
            }
        }
    }
}
