package dev.sealpost.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;

/**
 * A signing key of the test's own, added to a realm through Keycloak's admin API as an extra RSA key
 * below the realm's own (Keycloak keeps signing with its key; the test's is published in the realm's
 * JWKS). A token the test signs with it is, to a relying party, a token of the realm — with claims no
 * Keycloak flow issues, such as a {@code nbf} in the future. Removed from the realm on close.
 */
final class RealmSigningKey implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String realmAdmin;
    private final String adminToken;
    private final String componentId;
    private final String kid;
    private final KeyPair keys;

    private RealmSigningKey(String realmAdmin, String adminToken, String componentId, String kid, KeyPair keys) {
        this.realmAdmin = realmAdmin;
        this.adminToken = adminToken;
        this.componentId = componentId;
        this.kid = kid;
        this.keys = keys;
    }

    static RealmSigningKey add(String keycloak, String realm, String adminToken) throws Exception {
        String realmAdmin = keycloak + "/admin/realms/" + realm;
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----";
        String realmId = JSON.readTree(send(HttpRequest.newBuilder(URI.create(realmAdmin)), adminToken, 200).body()).path("id").asText();
        ObjectNode component = JSON.createObjectNode().put("name", "system-test-signing-key").put("providerId", "rsa")
                .put("providerType", "org.keycloak.keys.KeyProvider").put("parentId", realmId);
        ObjectNode config = component.putObject("config");
        config.putArray("priority").add("1"); // below the realm's own key (100): Keycloak goes on signing with that
        config.putArray("enabled").add("true");
        config.putArray("active").add("true");
        config.putArray("algorithm").add("RS256");
        config.putArray("privateKey").add(pem);
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(realmAdmin + "/components"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(component.toString())), adminToken, 201);
        String location = created.headers().firstValue("Location").orElseThrow();
        String componentId = location.substring(location.lastIndexOf('/') + 1);
        JsonNode realmKeys = JSON.readTree(send(HttpRequest.newBuilder(URI.create(realmAdmin + "/keys")), adminToken, 200).body());
        for (JsonNode key : realmKeys.path("keys")) {
            if (componentId.equals(key.path("providerId").asText())) {
                return new RealmSigningKey(realmAdmin, adminToken, componentId, key.path("kid").asText(), keys);
            }
        }
        throw new IllegalStateException("the realm does not list the added key: " + realmKeys);
    }

    /** RS256 over the claims, under this key's kid. */
    String sign(ObjectNode claims) throws Exception {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT").put("kid", kid);
        String input = B64.encodeToString(JSON.writeValueAsBytes(header)) + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(keys.getPrivate());
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(signature.sign());
    }

    @Override
    public void close() throws Exception {
        send(HttpRequest.newBuilder(URI.create(realmAdmin + "/components/" + componentId)).DELETE(), adminToken, 204);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String adminToken, int expectedStatus) throws Exception {
        HttpResponse<String> response = HTTP.send(request.header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException(request.build().method() + " " + request.build().uri() + " answered " + response.statusCode()
                    + ": " + response.body());
        }
        return response;
    }
}
