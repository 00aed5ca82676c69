package dev.sealpost.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

/** Core kinds against fabric8's typed models, custom resources against the operators' CRDs; unknown fields fail. */
class SchemaTest {

    static List<String> violations(List<JsonNode> docs) {
        List<String> found = new ArrayList<>();
        for (JsonNode doc : docs) {
            if (TypedModels.model(doc).isPresent()) {
                TypedModels.violation(doc).ifPresent(v -> found.add(Manifests.id(doc) + ": " + v));
            } else if (CrdSchemas.known(doc)) {
                CrdSchemas.violations(doc).forEach(v -> found.add(Manifests.id(doc) + ": " + v));
            } else {
                found.add(Manifests.id(doc) + ": " + doc.path("apiVersion").asText() + " is neither a modelled core kind nor in the CRDs");
            }
        }
        return found;
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/production"})
    void everyRenderedObjectIsValid(String overlay) {
        Checks.none(overlay, violations(Manifests.overlay(overlay)));
    }

    @Test
    void aTypoInACoreKindFails() {
        Checks.caught(violations(Manifests.withBroken("overlays/production", "deployment-unknown-field.yaml")), "imagePullPolicyy");
    }

    @Test
    void anUnknownFieldInObjectMetaFails() {
        Checks.caught(violations(Manifests.withBroken("overlays/production", "kafkatopic-unknown-metadata.yaml")), "lables");
    }

    @Test
    void anUndeclaredFieldInACustomResourceFails() {
        Checks.caught(violations(Manifests.withBroken("overlays/production", "kafkatopic-unknown-field.yaml")), "property 'replica' is not defined in the schema");
    }

    @Test
    void aWrongTypeOrValueInACustomResourceFails() {
        Checks.caught(violations(Manifests.withBroken("overlays/production", "kafkauser-bad-enum.yaml")), "authentication.type: does not have a value in the enumeration");
    }

    @Test
    void aKindWithoutModelOrCrdFails() {
        Checks.caught(violations(Manifests.withBroken("overlays/production", "unknown-kind.yaml")), "neither a modelled core kind nor in the CRDs");
    }
}
