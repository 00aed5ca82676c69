package dev.sealpost.gateway.client;

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

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exchanges a validated external identity for a passport at key-service (POST /internal/passports
 * with the gateway's client credential) and keeps it per (tenant, subject, audience) until shortly
 * before it expires, so that a client's burst of requests costs one exchange. Non-blocking.
 */
@ApplicationScoped
public class PassportClient {

    static final int MAX_CACHED = 50_000;

    /** Who the passport is for, as the gateway established it from the external token. */
    public record Identity(String tenant, String externalIssuer, String externalSubject, List<String> roles, String acr,
            String address) {
    }

    private record Cached(String passport, Instant renewAt) {
    }

    private final GatewayConfig config;
    private final HttpClient http;
    private final String credential;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public PassportClient(GatewayConfig config, Vertx vertx) {
        this.config = config;
        var keyService = config.upstreams().keyService();
        this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(keyService.getHost())
                .setDefaultPort(keyService.getPort()).setConnectTimeout(5_000).setIdleTimeout(60));
        this.credential = "Basic " + Base64.getEncoder().encodeToString((config.passports().clientId() + ":"
                + config.passports().clientSecret()).getBytes(StandardCharsets.UTF_8));
    }

    /** A passport for the audience (a service name); from the cache while it is fresh. */
    public Uni<String> passport(Identity identity, String audience) {
        String key = identity.tenant() + "\n" + identity.externalIssuer() + "\n" + identity.externalSubject() + "\n" + audience
                + "\n" + identity.acr() + "\n" + String.join(",", identity.roles()) + "\n" + identity.address();
        Cached cached = cache.get(key);
        if (cached != null && Instant.now().isBefore(cached.renewAt())) {
            return Uni.createFrom().item(cached.passport());
        }
        JsonObject body = new JsonObject().put("externalIssuer", identity.externalIssuer()).put("externalSubject", identity.externalSubject())
                .put("tenant", identity.tenant()).put("roles", new JsonArray(identity.roles())).put("acr", identity.acr())
                .put("audience", audience).put("address", identity.address());
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI("/internal/passports")
                .putHeader("Authorization", credential).putHeader("Content-Type", "application/json").setTimeout(10_000);
        return Uni.createFrom().completionStage(() -> http.request(request)
                        .compose(outgoing -> outgoing.send(body.toBuffer()))
                        .compose(response -> response.body().map(buffer -> {
                            if (response.statusCode() != 200) {
                                throw new PassportRefused(response.statusCode());
                            }
                            return buffer.toJsonObject();
                        })).toCompletionStage())
                .map(answer -> {
                    String passport = answer.getString("passport");
                    Object expiry = answer.getValue("expiresAt");
                    Instant expiresAt = expiry instanceof Number seconds ? Instant.ofEpochMilli((long) (seconds.doubleValue() * 1000))
                            : Instant.parse(String.valueOf(expiry));
                    if (cache.size() >= MAX_CACHED) {
                        cache.clear(); // bounded; a passport is cheap to get again
                    }
                    cache.put(key, new Cached(passport, expiresAt.minus(config.passports().renewBefore())));
                    return passport;
                });
    }

    /** key-service refused the exchange (its status), e.g. an address of another tenant. */
    public static final class PassportRefused extends RuntimeException {
        private final int status;

        PassportRefused(int status) {
            super("key-service refused the passport: " + status, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
