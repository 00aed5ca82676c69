package dev.sealpost.gateway.openapi;

import dev.sealpost.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * One OpenAPI document for the whole public API: the services' own documents ({@code /q/openapi})
 * merged, with only the paths a client can reach through the gateway ({@code /api/...}; never
 * {@code /internal}). Schemas of the same name and the same content are kept once; a name two
 * services use for different schemas gets the service's name in front (and that service's
 * references follow). Cached for a minute; a service that does not answer is left out and named
 * in the document's description. Non-blocking.
 */
@ApplicationScoped
public class OpenApiAggregator {

    private static final Duration CACHE_FOR = Duration.ofMinutes(1);
    private static final Pattern PUBLIC_PATH = Pattern.compile("/api/(mail|keys|audit)(/.*)?");
    private static final int MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

    private record Cached(JsonObject document, Instant until) {
    }

    private final Map<String, URI> services = new LinkedHashMap<>();
    private final HttpClient http;
    private final AtomicReference<Cached> cache = new AtomicReference<>();

    public OpenApiAggregator(GatewayConfig config, Vertx vertx) {
        services.put("mail-service", config.upstreams().mailService());
        services.put("key-service", config.upstreams().keyService());
        services.put("audit-service", config.upstreams().auditService());
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setIdleTimeout(10));
    }

    /** The merged document (from the cache while it is fresh). */
    public Uni<JsonObject> document() {
        Cached cached = cache.get();
        if (cached != null && Instant.now().isBefore(cached.until())) {
            return Uni.createFrom().item(cached.document());
        }
        List<Uni<JsonObject>> fetches = new ArrayList<>();
        services.values().forEach(uri -> fetches.add(fetch(uri).onFailure().recoverWithItem((JsonObject) null)));
        return Uni.join().all(fetches).andFailFast().map(documents -> {
            Map<String, JsonObject> byService = new LinkedHashMap<>();
            List<String> names = List.copyOf(services.keySet());
            for (int i = 0; i < names.size(); i++) {
                byService.put(names.get(i), documents.get(i));
            }
            JsonObject merged = merge(byService);
            cache.set(new Cached(merged, Instant.now().plus(CACHE_FOR)));
            return merged;
        });
    }

    private Uni<JsonObject> fetch(URI service) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(service.getHost()).setPort(service.getPort())
                .setURI("/q/openapi?format=json").setTimeout(5_000);
        return Uni.createFrom().completionStage(() -> http.request(request)
                .compose(call -> call.send().compose(response -> {
                    if (response.statusCode() != 200) {
                        return io.vertx.core.Future.failedFuture("HTTP " + response.statusCode());
                    }
                    return response.body();
                }))
                .map(body -> {
                    if (body.length() > MAX_DOCUMENT_BYTES) {
                        throw new IllegalStateException("OpenAPI document too large");
                    }
                    return body.toJsonObject();
                })
                .toCompletionStage());
    }

    /** Merges the documents (null for a service that did not answer); package-private for the unit test. */
    static JsonObject merge(Map<String, JsonObject> byService) {
        JsonObject paths = new JsonObject();
        JsonObject schemas = new JsonObject();
        JsonObject securitySchemes = new JsonObject();
        List<String> missing = new ArrayList<>();
        for (var entry : byService.entrySet()) {
            String service = entry.getKey();
            JsonObject document = entry.getValue();
            if (document == null) {
                missing.add(service);
                continue;
            }
            JsonObject own = document.getJsonObject("components", new JsonObject()).getJsonObject("schemas", new JsonObject());
            Map<String, String> renamed = new LinkedHashMap<>();
            for (String name : own.fieldNames()) {
                Object existing = schemas.getValue(name);
                if (existing != null && !existing.equals(own.getValue(name))) {
                    renamed.put(name, service + "." + name);
                }
            }
            if (!renamed.isEmpty()) {
                String text = document.encode();
                for (var rename : renamed.entrySet()) {
                    text = text.replace("\"#/components/schemas/" + rename.getKey() + "\"", "\"#/components/schemas/" + rename.getValue() + "\"");
                }
                document = new JsonObject(text);
                own = document.getJsonObject("components", new JsonObject()).getJsonObject("schemas", new JsonObject());
            }
            for (String name : own.fieldNames()) {
                schemas.put(renamed.getOrDefault(name, name), own.getValue(name));
            }
            JsonObject servicePaths = document.getJsonObject("paths", new JsonObject());
            for (String path : servicePaths.fieldNames()) {
                if (PUBLIC_PATH.matcher(path).matches()) {
                    paths.put(path, servicePaths.getValue(path));
                }
            }
            JsonObject schemes = document.getJsonObject("components", new JsonObject()).getJsonObject("securitySchemes", new JsonObject());
            schemes.fieldNames().forEach(name -> securitySchemes.put(name, schemes.getValue(name)));
        }
        securitySchemes.put("keycloak", new JsonObject().put("type", "http").put("scheme", "bearer").put("bearerFormat", "JWT")
                .put("description", "An access token of a Sealpost realm (password and one-time code); the gateway exchanges it for a passport"));
        String description = "The public API of Sealpost, through the gateway: every request but the public keys needs a Keycloak "
                + "access token with a second factor."
                + (missing.isEmpty() ? "" : " Not available right now (left out): " + String.join(", ", missing) + ".");
        String version = byService.values().stream().filter(java.util.Objects::nonNull).map(document -> document.getString("openapi"))
                .filter(java.util.Objects::nonNull).findFirst().orElse("3.1.0");
        return new JsonObject()
                .put("openapi", version)
                .put("info", new JsonObject().put("title", "Sealpost API").put("version", "0.1.0").put("description", description))
                .put("security", new JsonArray().add(new JsonObject().put("keycloak", new JsonArray())))
                .put("paths", paths)
                .put("components", new JsonObject().put("schemas", schemas).put("securitySchemes", securitySchemes));
    }
}
