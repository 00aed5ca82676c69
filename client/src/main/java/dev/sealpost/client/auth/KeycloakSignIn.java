package dev.sealpost.client.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.client.ClientException;
import dev.sealpost.client.http.ApiHttp;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Signs in at the tenant's Keycloak realm as the public client {@code sealpost-cli}: the password
 * grant with the TOTP code as second factor (scripts, the demo), the device authorization grant
 * (RFC 8628, what a person at a terminal expects: approve in a browser), and refresh.
 */
public final class KeycloakSignIn {

    public static final String CLIENT_ID = "sealpost-cli";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** RFC 8628 §3.5: on slow_down the interval grows by five seconds. */
    private static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI realm;
    private final Clock clock;

    /** @param realm the realm's base, e.g. {@code http://localhost:18080/realms/consumer} (its issuer) */
    public KeycloakSignIn(URI realm, Clock clock) {
        this.realm = URI.create(realm.toString().endsWith("/") ? realm.toString() : realm + "/");
        this.clock = clock;
    }

    public Tokens withPassword(String username, char[] password, String oneTimeCode) throws ClientException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", CLIENT_ID);
        form.put("scope", "openid");
        form.put("username", username);
        form.put("password", new String(password));
        if (oneTimeCode != null) {
            form.put("totp", oneTimeCode);
        }
        return tokens(post("protocol/openid-connect/token", form));
    }

    public Tokens refresh(Tokens tokens) throws ClientException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", CLIENT_ID);
        form.put("refresh_token", tokens.refreshToken());
        return tokens(post("protocol/openid-connect/token", form));
    }

    /**
     * Ends the session at Keycloak (which tells the gateway through its back-channel logout). A
     * session Keycloak no longer knows (expired, already ended) is not an error: it is over either way.
     */
    public void signOut(Tokens tokens) throws ClientException {
        if (tokens.refreshToken() == null) {
            return;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", CLIENT_ID);
        form.put("refresh_token", tokens.refreshToken());
        HttpResponse<byte[]> response = send("protocol/openid-connect/logout", form);
        if (response.statusCode() != 204 && response.statusCode() != 200 && response.statusCode() != 400) {
            throw new ClientException.ApiProblem(response.statusCode(), "sign_out_failed", "the sign-in server did not end the session", null);
        }
    }

    public DeviceAuthorization startDeviceAuthorization() throws ClientException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", CLIENT_ID);
        form.put("scope", "openid");
        JsonNode answer = post("protocol/openid-connect/auth/device", form);
        return new DeviceAuthorization(answer.path("device_code").asText(), answer.path("user_code").asText(),
                answer.path("verification_uri").asText(), answer.path("verification_uri_complete").asText(null),
                Duration.ofSeconds(Math.max(1, answer.path("interval").asLong(5))),
                clock.instant().plusSeconds(answer.path("expires_in").asLong(600)));
    }

    /**
     * Waits until the user approved (tokens), denied or let the code expire (a problem). Polls at
     * the interval the server asked for — the wait is the protocol, not a guess.
     */
    public Tokens awaitDeviceApproval(DeviceAuthorization device) throws ClientException {
        Duration interval = device.pollInterval();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
        form.put("client_id", CLIENT_ID);
        form.put("device_code", device.deviceCode());
        while (clock.instant().isBefore(device.expiresAt())) {
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClientException.Unreachable("interrupted while waiting for the device approval", e);
            }
            try {
                return tokens(post("protocol/openid-connect/token", form));
            } catch (ClientException.ApiProblem pending) {
                if ("slow_down".equals(pending.title())) {
                    interval = interval.plus(SLOW_DOWN_STEP);
                } else if (!"authorization_pending".equals(pending.title())) {
                    throw pending;
                }
            }
        }
        throw new ClientException.ApiProblem(400, "expired_token", "the device code expired before it was approved", null);
    }

    private Tokens tokens(JsonNode answer) {
        Instant now = clock.instant();
        long refreshSeconds = answer.path("refresh_expires_in").asLong(0);
        return new Tokens(answer.path("access_token").asText(), answer.path("refresh_token").asText(null),
                now.plusSeconds(answer.path("expires_in").asLong(60)), refreshSeconds > 0 ? now.plusSeconds(refreshSeconds) : null);
    }

    /** OAuth errors come back as {error, error_description}; they become problems titled by the error code. */
    private JsonNode post(String path, Map<String, String> form) throws ClientException {
        HttpResponse<byte[]> response = send(path, form);
        JsonNode answer;
        try {
            answer = ApiHttp.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ClientException.Unreachable("the sign-in server answered something that is not JSON (HTTP " + response.statusCode() + ")", e);
        }
        if (response.statusCode() != 200) {
            throw new ClientException.ApiProblem(response.statusCode(), answer.path("error").asText("sign_in_failed"),
                    answer.path("error_description").asText(null), null);
        }
        return answer;
    }

    /** A form POST to the realm; an unreachable server is {@link ClientException.Unreachable}. */
    private HttpResponse<byte[]> send(String path, Map<String, String> form) throws ClientException {
        String body = form.entrySet().stream().map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(realm.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ClientException.Unreachable("cannot reach the sign-in server " + realm + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException.Unreachable("interrupted", e);
        }
    }
}
