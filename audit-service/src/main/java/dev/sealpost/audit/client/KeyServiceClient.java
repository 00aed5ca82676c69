package dev.sealpost.audit.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealpost.audit.config.AuditConfig;
import dev.sealpost.crypto.AuditCheckpoint;
import dev.sealpost.crypto.KeyPurpose;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * key-service as audit-service sees it: checkpoint signatures (its client credential, HTTP Basic)
 * and the tenants' audit public keys. Non-blocking (the JDK client's async API).
 */
@ApplicationScoped
public class KeyServiceClient {

    private static final int MAX_RESPONSE = 256 * 1024;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final AuditConfig.KeyService config;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public KeyServiceClient(AuditConfig config) {
        this.config = config.keyService();
    }

    /** Whether a client secret is configured; without one, nothing is signed. */
    public boolean canSign() {
        return config.clientSecret().isPresent();
    }

    /** Has key-service sign "this tenant's chain had this hash at this position"; the answer is not yet verified. */
    public Uni<Signed> sign(String tenant, long position, byte[] chainHash) {
        String secret = config.clientSecret().orElseThrow(() -> new IllegalStateException("no key-service client secret"));
        String credential = Base64.getEncoder().encodeToString((config.clientId() + ":" + secret).getBytes(StandardCharsets.UTF_8));
        String body = json.createObjectNode().put("tenant", tenant).put("position", position)
                .put("chainHash", BASE64URL.encodeToString(chainHash)).toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.url() + "/internal/audit-checkpoints"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + credential).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send(request).map(answer -> {
            byte[] hash = Base64.getUrlDecoder().decode(answer.path("chainHash").asText());
            return new Signed(answer.path("kid").asText(), new AuditCheckpoint(answer.path("tenant").asText(),
                    answer.path("position").asLong(), answer.path("timestampMillis").asLong(), hash,
                    Base64.getUrlDecoder().decode(answer.path("signature").asText())));
        });
    }

    /** A checkpoint as key-service signed it, and the id of the key that signed. */
    public record Signed(String kid, AuditCheckpoint checkpoint) {
    }

    /** The tenant's audit public keys by kid (every key ever used for checkpoints stays published). */
    public Uni<Map<String, Map<String, String>>> auditKeys(String tenant) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.url()
                + KeyPurpose.AUDIT.jwksPath(URLEncoder.encode(tenant, StandardCharsets.UTF_8)))).timeout(Duration.ofSeconds(10)).GET().build();
        return send(request).map(jwks -> {
            Map<String, Map<String, String>> byKid = new HashMap<>();
            for (JsonNode key : jwks.path("keys")) {
                Map<String, String> jwk = new HashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> fields = key.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    jwk.put(field.getKey(), field.getValue().asText());
                }
                Optional.ofNullable(jwk.get("kid")).ifPresent(kid -> byKid.put(kid, jwk));
            }
            return byKid;
        });
    }

    private Uni<JsonNode> send(HttpRequest request) {
        return Uni.createFrom().completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())).map(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("key-service answered " + response.statusCode() + " to " + request.uri().getPath());
            }
            if (response.body().length > MAX_RESPONSE) {
                throw new IllegalStateException("key-service answer too large");
            }
            try {
                return json.readTree(response.body());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("key-service answered with something that is not JSON");
            }
        });
    }
}
