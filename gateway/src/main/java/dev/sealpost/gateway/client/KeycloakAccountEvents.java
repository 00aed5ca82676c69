package dev.sealpost.gateway.client;

import dev.sealpost.gateway.config.GatewayConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads, from a realm's stored events (Keycloak's admin API, the gateway's service account with the
 * realm-management role {@code view-events} only), the accounts that stopped being usable: an
 * administrator disabled or deleted the user, or brute-force protection disabled it for good.
 * Keycloak ends no session for these, so it sends no back-channel logout. Blocking.
 */
@ApplicationScoped
public class KeycloakAccountEvents {

    /** An account that stopped being usable at {@code at}: its tokens issued until then are refused. */
    public record AccountStopped(String subject, Instant at) {
    }

    private static final int PAGE = 200;
    private static final int MAX_PAGES = 50;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private record Token(String value, Instant renewAt) {
    }

    private final String clientId;
    private final String clientSecret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    public KeycloakAccountEvents(GatewayConfig config) {
        this.clientId = config.passports().clientId();
        this.clientSecret = config.passports().clientSecret();
    }

    /** The accounts of the realm {@code issuer} stopped since {@code since} (inclusive), oldest first. */
    public List<AccountStopped> since(String issuer, Instant since) throws IOException, InterruptedException {
        int realms = issuer.lastIndexOf("/realms/");
        if (realms < 0) {
            throw new IOException("not a Keycloak realm issuer");
        }
        String admin = issuer.substring(0, realms) + "/admin" + issuer.substring(realms);
        String token = token(issuer);
        List<AccountStopped> stopped = new ArrayList<>();
        for (Object entry : all(admin + "/admin-events?resourceTypes=USER&operationTypes=UPDATE&operationTypes=DELETE&direction=asc&dateFrom="
                + since.toEpochMilli(), token)) {
            JsonObject event = (JsonObject) entry;
            String path = event.getString("resourcePath", "");
            if (!path.startsWith("users/") || path.indexOf('/', 6) >= 0 || event.getString("error") != null) {
                continue; // users/{id} only: not its credentials, sessions or role mappings
            }
            if ("DELETE".equals(event.getString("operationType")) || disables(event.getString("representation"))) {
                stopped.add(new AccountStopped(path.substring(6), Instant.ofEpochMilli(event.getLong("time"))));
            }
        }
        for (Object entry : all(admin + "/events?type=USER_DISABLED_BY_PERMANENT_LOCKOUT&direction=asc&dateFrom="
                + since.toEpochMilli(), token)) {
            JsonObject event = (JsonObject) entry;
            if (event.getString("userId") != null) {
                stopped.add(new AccountStopped(event.getString("userId"), Instant.ofEpochMilli(event.getLong("time"))));
            }
        }
        return stopped;
    }

    /** Whether an update's stored representation sets {@code enabled} to false. */
    private static boolean disables(String representation) {
        if (representation == null) {
            return false;
        }
        try {
            return Boolean.FALSE.equals(new JsonObject(representation).getValue("enabled"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Every page of a query (at most {@link #MAX_PAGES}; the next read goes on from its time). */
    private JsonArray all(String query, String token) throws IOException, InterruptedException {
        JsonArray all = new JsonArray();
        for (int page = 0; page < MAX_PAGES; page++) {
            JsonArray events = get(query + "&first=" + page * PAGE + "&max=" + PAGE, token);
            all.addAll(events);
            if (events.size() < PAGE) {
                break;
            }
        }
        return all;
    }

    private JsonArray get(String url, String token) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("Keycloak's event API answered " + answer.statusCode());
        }
        return new JsonArray(answer.body());
    }

    private String token(String issuer) throws IOException, InterruptedException {
        Token cached = tokens.get(issuer);
        if (cached != null && Instant.now().isBefore(cached.renewAt())) {
            return cached.value();
        }
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                .timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("the realm refused the gateway's service account (" + answer.statusCode() + ")");
        }
        JsonObject body = new JsonObject(answer.body());
        long lifetime = body.getLong("expires_in", 60L);
        Token fresh = new Token(body.getString("access_token"), Instant.now().plusSeconds(Math.max(5, lifetime - 30)));
        tokens.put(issuer, fresh);
        return fresh.value();
    }
}
