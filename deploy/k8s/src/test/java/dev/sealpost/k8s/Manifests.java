package dev.sealpost.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Rendered manifests as JSON trees, and the few questions every check asks of them. */
final class Manifests {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final List<String> OVERLAYS = List.of("overlays/dev", "overlays/production");

    private Manifests() {
    }

    static List<JsonNode> parse(String yaml) {
        try (JsonParser parser = YAML.getFactory().createParser(yaml)) {
            List<JsonNode> docs = new ArrayList<>();
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> overlay(String overlay) {
        return parse(Kustomize.render(overlay));
    }

    /** A deliberately broken manifest from src/test/resources/broken/. */
    static List<JsonNode> broken(String name) {
        try (InputStream in = Manifests.class.getResourceAsStream("/broken/" + name)) {
            Objects.requireNonNull(in, "no test resource broken/" + name);
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The overlay with the broken documents in place of those of the same kind, namespace and name (or added). */
    static List<JsonNode> withBroken(String overlay, String brokenResource) {
        List<JsonNode> docs = new ArrayList<>(overlay(overlay));
        for (JsonNode replacement : broken(brokenResource)) {
            String id = id(replacement);
            boolean replaced = false;
            for (int i = 0; i < docs.size(); i++) {
                if (id(docs.get(i)).equals(id)) {
                    docs.set(i, replacement);
                    replaced = true;
                }
            }
            if (!replaced) {
                docs.add(replacement);
            }
        }
        return docs;
    }

    static String kind(JsonNode doc) {
        return doc.path("kind").asText();
    }

    static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }

    static String namespace(JsonNode doc) {
        return doc.path("metadata").path("namespace").asText("");
    }

    static String id(JsonNode doc) {
        return kind(doc) + " " + namespace(doc) + "/" + name(doc);
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(kind(d))).collect(Collectors.toList());
    }

    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    /** Kubernetes label-selector semantics (matchLabels and matchExpressions); an empty selector matches everything. */
    static boolean selects(JsonNode selector, Map<String, String> labels) {
        if (selector == null || selector.isMissingNode() || selector.isNull()) {
            return true;
        }
        for (Map.Entry<String, String> want : stringMap(selector.path("matchLabels")).entrySet()) {
            if (!want.getValue().equals(labels.get(want.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText();
            List<String> values = new ArrayList<>();
            expression.path("values").forEach(v -> values.add(v.asText()));
            String operator = expression.path("operator").asText();
            boolean has = labels.containsKey(key);
            boolean ok;
            switch (operator) {
                case "In": ok = has && values.contains(labels.get(key)); break;
                case "NotIn": ok = !has || !values.contains(labels.get(key)); break;
                case "Exists": ok = has; break;
                case "DoesNotExist": ok = !has; break;
                default: throw new IllegalArgumentException("unknown selector operator " + operator);
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A selector on plain labels (Service, old-style): every pair must match. */
    static boolean selectsLabels(JsonNode plainSelector, Map<String, String> labels) {
        Map<String, String> want = stringMap(plainSelector);
        return !want.isEmpty() && want.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** The workloads' pod templates: Sealpost's own pods. */
    record Workload(String name, String namespace, JsonNode deployment) {
        JsonNode podSpec() {
            return deployment.path("spec").path("template").path("spec");
        }

        Map<String, String> podLabels() {
            return stringMap(deployment.path("spec").path("template").path("metadata").path("labels"));
        }

        /** containerPort by name, and by its own number. */
        Map<String, Integer> ports() {
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (JsonNode container : podSpec().path("containers")) {
                for (JsonNode port : container.path("ports")) {
                    int number = port.path("containerPort").asInt();
                    ports.put(String.valueOf(number), number);
                    if (port.has("name")) {
                        ports.put(port.path("name").asText(), number);
                    }
                }
            }
            return ports;
        }
    }

    static List<Workload> workloads(List<JsonNode> docs) {
        List<Workload> workloads = new ArrayList<>();
        for (JsonNode doc : docs) {
            if (List.of("Deployment", "StatefulSet", "DaemonSet", "Job").contains(kind(doc))) {
                workloads.add(new Workload(name(doc), namespace(doc), doc));
            }
        }
        return workloads;
    }

    static ObjectNode copy(JsonNode node) {
        return (ObjectNode) node.deepCopy();
    }
}
