package dev.sealpost.k8s;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.util.Map;
import java.util.Optional;

/**
 * Core kinds read into fabric8's typed models, strictly. fabric8's classes keep whatever they do not know in
 * an {@code additionalProperties} map (a Jackson any-setter), so FAIL_ON_UNKNOWN_PROPERTIES alone never fires:
 * the modifier below removes every any-setter (and any ignoreUnknown), and an unknown field becomes an error.
 */
final class TypedModels {

    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class));

    static final ObjectMapper STRICT = strictMapper();

    private TypedModels() {
    }

    private static ObjectMapper strictMapper() {
        SimpleModule module = new SimpleModule("no-additional-properties");
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description, BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        return new ObjectMapper()
                .registerModule(module)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    }

    static Optional<Class<?>> model(JsonNode doc) {
        return Optional.ofNullable(MODELS.get(doc.path("apiVersion").asText() + "/" + Manifests.kind(doc)));
    }

    /** Empty when the document reads into its model; else what is wrong. Assumes {@link #model} is present. */
    static Optional<String> violation(JsonNode doc) {
        return read(doc, model(doc).orElseThrow());
    }

    /** For custom resources: their metadata is an ObjectMeta, which the CRDs' schemas leave open. */
    static Optional<String> metadataViolation(JsonNode doc) {
        return read(doc.path("metadata"), ObjectMeta.class);
    }

    private static Optional<String> read(JsonNode node, Class<?> type) {
        try {
            STRICT.treeToValue(node, type);
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of(e.getMessage().lines().findFirst().orElse(e.toString()));
        }
    }
}
