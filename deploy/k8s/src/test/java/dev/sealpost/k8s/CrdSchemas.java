package dev.sealpost.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Custom resources checked against the operators' published CRDs (../shared/k8s-crds from the project root),
 * version by version, with a real JSON-schema validator. The API server prunes a field that a structural
 * schema does not declare (silently: the operator never sees it), so here every object schema that declares
 * properties, or none, without x-kubernetes-preserve-unknown-fields and without its own additionalProperties,
 * gets additionalProperties: false, and an undeclared field fails.
 */
final class CrdSchemas {

    private static volatile Map<String, JsonSchema> schemas;

    private CrdSchemas() {
    }

    static Path crdDir() {
        String dir = System.getProperty("sealpost.crds");
        Path path = dir != null ? Path.of(dir) : Kustomize.moduleDir().resolve("../../../shared/k8s-crds").normalize();
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("the operators' CRDs are not at " + path + " (see ../shared/k8s-crds/README.md; -Dsealpost.crds=DIR)");
        }
        return path;
    }

    /** Schemas by "group/version/Kind". */
    static Map<String, JsonSchema> schemas() {
        if (schemas == null) {
            synchronized (CrdSchemas.class) {
                if (schemas == null) {
                    schemas = load(crdDir());
                }
            }
        }
        return schemas;
    }

    private static Map<String, JsonSchema> load(Path dir) {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
        Map<String, JsonSchema> loaded = new HashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().collect(Collectors.toList())) {
                for (JsonNode crd : Manifests.parse(Files.readString(file))) {
                    if (!"CustomResourceDefinition".equals(Manifests.kind(crd))) {
                        continue;
                    }
                    String group = crd.path("spec").path("group").asText();
                    String kind = crd.path("spec").path("names").path("kind").asText();
                    for (JsonNode version : crd.path("spec").path("versions")) {
                        if (!version.path("served").asBoolean(true)) {
                            continue;
                        }
                        ObjectNode schema = (ObjectNode) version.path("schema").path("openAPIV3Schema").deepCopy();
                        closeObjects(schema);
                        // every object has these, whether its CRD lists them or not; metadata is the API server's
                        // ObjectMeta (the schemas say only "type: object") and is checked with the typed model
                        ObjectNode root = schema.with("properties");
                        root.putObject("apiVersion").put("type", "string");
                        root.putObject("kind").put("type", "string");
                        root.putObject("metadata");
                        loaded.put(group + "/" + version.path("name").asText() + "/" + kind, factory.getSchema(schema));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return loaded;
    }

    /** additionalProperties: false wherever the API server would prune (see the class comment). */
    static void closeObjects(JsonNode node) {
        if (node instanceof ObjectNode) {
            ObjectNode schema = (ObjectNode) node;
            boolean object = "object".equals(schema.path("type").asText()) || schema.has("properties");
            boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            boolean embedded = schema.path("x-kubernetes-embedded-resource").asBoolean(false);
            if (object && !preserve && !embedded && !schema.has("additionalProperties")) {
                schema.put("additionalProperties", false);
            }
            Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("properties") || field.getKey().equals("patternProperties")) {
                    field.getValue().forEach(CrdSchemas::closeObjects);
                } else if (!field.getKey().equals("enum") && !field.getKey().equals("default") && !field.getKey().equals("example")) {
                    closeObjects(field.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(CrdSchemas::closeObjects);
        }
    }

    static String key(JsonNode doc) {
        return doc.path("apiVersion").asText() + "/" + Manifests.kind(doc);
    }

    static boolean known(JsonNode doc) {
        return schemas().containsKey(key(doc));
    }

    /** What is wrong with a custom resource, in the validator's words; empty if nothing. */
    static List<String> violations(JsonNode doc) {
        JsonSchema schema = schemas().get(key(doc));
        if (schema == null) {
            return List.of("no CRD for " + key(doc) + " in " + crdDir());
        }
        Set<ValidationMessage> messages = schema.validate(doc);
        List<String> found = messages.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.toList());
        Optional<String> metadata = TypedModels.metadataViolation(doc);
        metadata.ifPresent(m -> found.add("metadata: " + m));
        return found;
    }
}
