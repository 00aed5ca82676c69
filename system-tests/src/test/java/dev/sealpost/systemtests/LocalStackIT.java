package dev.sealpost.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sealpost.testing.LoopbackPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Starts the local stack with the same script a developer uses ({@code ./sealpost up}), on free ports
 * and in its own state folder, checks that every component is really up and that both realms issue
 * tokens with the right issuer and audience, then stops it with {@code ./sealpost down} and checks
 * that no process it started survives and no port stays held.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> SERVICES = List.of("gateway", "key-service", "mail-service", "audit-service");
    private static final List<String> COMPONENTS = List.of("postgres", "kafka", "keycloak",
            "gateway", "key-service", "mail-service", "audit-service");

    private static Path root;
    private static Path home;
    private static final Map<String, Integer> PORTS = new LinkedHashMap<>();
    private static final Map<String, Long> PIDS = new HashMap<>();
    private static boolean stackStopped;
    /** Real access tokens (password + TOTP) from test 2, reused: a TOTP code counts once. */
    private static final Map<String, String> TOKENS = new HashMap<>();

    @BeforeAll
    static void startStack() throws Exception {
        root = Path.of(System.getProperty("sealpost.root", "..")).toAbsolutePath().normalize();
        home = root.resolve("system-tests/target/local-stack");
        deleteRecursively(home);
        Files.createDirectories(home);
        for (String name : List.of("PG", "KAFKA", "KAFKA_CONTROLLER", "KEYCLOAK", "KEYCLOAK_MANAGEMENT",
                "GATEWAY", "KEY_SERVICE", "MAIL_SERVICE", "AUDIT_SERVICE")) {
            PORTS.put(name, LoopbackPorts.findFree());
        }
        Result up = sealpost(Duration.ofMinutes(20), "up");
        System.out.println(up.output());
        assertEquals(0, up.exitCode(), "./sealpost up failed:\n" + up.output());
        assertTrue(up.output().contains("Sealpost is up"), up.output());
        for (String component : COMPONENTS) {
            PIDS.put(component, Long.parseLong(Files.readString(home.resolve("run/" + component + ".pid")).trim()));
        }
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (!stackStopped && home != null && Files.isDirectory(home.resolve("run"))) {
            System.out.println(sealpost(Duration.ofMinutes(3), "down").output());
        }
    }

    @Test
    @Order(1)
    void everyComponentIsRunningAndReady() throws Exception {
        for (String component : COMPONENTS) {
            assertTrue(ProcessHandle.of(PIDS.get(component)).map(ProcessHandle::isAlive).orElse(false),
                    component + " is not running");
        }
        JsonNode keycloak = getJson("http://127.0.0.1:" + PORTS.get("KEYCLOAK_MANAGEMENT") + "/health/ready");
        assertEquals("UP", keycloak.path("status").asText(), keycloak.toString());

        for (String service : SERVICES) {
            String base = "http://127.0.0.1:" + servicePort(service);
            JsonNode live = getJson(base + "/q/health/live");
            assertEquals("UP", live.path("status").asText(), service + " live: " + live);
            JsonNode ready = getJson(base + "/q/health/ready");
            assertEquals("UP", ready.path("status").asText(), service + " ready: " + ready);
            List<String> checks = new ArrayList<>();
            ready.path("checks").forEach(check -> checks.add(check.path("name").asText()));
            assertTrue(checks.contains("Reactive PostgreSQL connections health check"), service + ": " + checks);
            assertTrue(checks.contains("Kafka topic for security events"), service + ": " + checks);
            assertEquals("Sealpost " + service,
                    getJson(base + "/q/openapi?format=json").path("info").path("title").asText());
            assertTrue(get(base + "/q/metrics").body().contains("jvm_memory_used_bytes"), service + " metrics");
        }
    }

    @Test
    @Order(2)
    void eachRealmIssuesTokensWithItsIssuerAndTheGatewayAudience() throws Exception {
        // bob and dave: alice and carol already used their current TOTP code in `up`, and Keycloak
        // rightly refuses a code twice
        assertToken("bob", "consumer");
        assertToken("dave", "acme");
    }

    @Test
    @Order(3)
    void theGatewayTurnsRealKeycloakTokensIntoPassportsAndRoutesToEveryService() throws Exception {
        String gateway = "http://127.0.0.1:" + PORTS.get("GATEWAY");
        // bob (consumer realm) reaches his own mailbox: the gateway exchanged his token for a mail-service passport
        HttpResponse<String> quota = getWithToken(gateway + "/api/mail/quota", TOKENS.get("bob"));
        assertEquals(200, quota.statusCode(), quota.body());
        assertEquals("bob@sealpost.test", JSON.readTree(quota.body()).path("address").asText());
        // dave (acme realm) reads his own security log at audit-service
        HttpResponse<String> log = getWithToken(gateway + "/api/audit/me/events", TOKENS.get("dave"));
        assertEquals(200, log.statusCode(), log.body());
        // the public keys need no token
        assertEquals(200, get(gateway + "/api/keys/tenants/consumer/jwks/passport").statusCode());
        // no token, a token with a changed signature, a token of a realm that is not ours: 401 problems
        String bob = TOKENS.get("bob");
        String tampered = bob.substring(0, bob.length() - 4) + (bob.endsWith("AAAA") ? "BBBB" : "AAAA");
        for (String token : new String[] {null, tampered, "not.a.token"}) {
            HttpResponse<String> refused = getWithToken(gateway + "/api/mail/quota", token);
            assertEquals(401, refused.statusCode(), refused.body());
            assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
        }
        // a sealed message goes up through the gateway and comes back byte for byte (bodies stream both ways)
        dev.sealpost.crypto.PrivateKeys keys = dev.sealpost.crypto.PrivateKeys.generate();
        byte[] envelope = dev.sealpost.crypto.Envelope.seal(dev.sealpost.crypto.EnvelopeContent.of("through the gateway",
                "x".repeat(200_000)), List.of(keys.publicBundle()), keys);
        HttpResponse<String> sent = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/mail/messages?to=bob@sealpost.test"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + bob).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, sent.statusCode(), sent.body());
        String messageId = JSON.readTree(sent.body()).path("messageId").asText();
        HttpResponse<byte[]> back = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/mail/messages/" + messageId + "/envelope"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + bob).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, back.statusCode());
        assertTrue(java.util.Arrays.equals(envelope, back.body()), "the envelope came back unchanged");
        // the Keycloak token never reaches a service: mail-service itself refuses it
        HttpResponse<String> direct = getWithToken("http://127.0.0.1:" + servicePort("mail-service") + "/api/mail/quota", bob);
        assertEquals(401, direct.statusCode(), direct.body());
    }

    private static HttpResponse<String> getWithToken(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(3)
    void passwordWithoutSecondFactorIsRefused() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + PORTS.get("KEYCLOAK") + "/realms/consumer/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=password&client_id=sealpost-cli&username=alice&password=alice-demo-passphrase"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_grant", JSON.readTree(response.body()).path("error").asText());
    }

    @Test
    @Order(4)
    void downStopsEveryProcessAndFreesEveryPort() throws Exception {
        Result down = sealpost(Duration.ofMinutes(3), "down");
        stackStopped = true;
        assertEquals(0, down.exitCode(), down.output());
        for (var pid : PIDS.entrySet()) {
            assertFalse(ProcessHandle.of(pid.getValue()).map(ProcessHandle::isAlive).orElse(false),
                    pid.getKey() + " (pid " + pid.getValue() + ") still runs after down");
        }
        for (var port : PORTS.entrySet()) {
            assertTrue(LoopbackPorts.isFree(port.getValue()), port.getKey() + " port " + port.getValue() + " still held after down");
        }
    }

    private static void assertToken(String user, String realm) throws Exception {
        Result token = sealpost(Duration.ofMinutes(1), "token", user);
        assertEquals(0, token.exitCode(), token.output());
        String jwt = token.output().strip().lines().reduce((first, second) -> second).orElseThrow();
        TOKENS.put(user, jwt);
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length, "not a signed JWT");
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals("http://localhost:" + PORTS.get("KEYCLOAK") + "/realms/" + realm, claims.path("iss").asText());
        List<String> audience = new ArrayList<>();
        if (claims.path("aud").isArray()) {
            claims.path("aud").forEach(a -> audience.add(a.asText()));
        } else {
            audience.add(claims.path("aud").asText());
        }
        assertTrue(audience.contains("sealpost-gateway"), "aud " + audience);
        assertEquals("sealpost-cli", claims.path("azp").asText());
        assertEquals("Bearer", claims.path("typ").asText());
        assertFalse(claims.path("sub").asText().isBlank(), "sub is the identity, with iss");
    }

    private static int servicePort(String service) {
        return PORTS.get(service.toUpperCase().replace('-', '_'));
    }

    private record Result(int exitCode, String output) {
    }

    private static Result sealpost(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(root.resolve("sealpost").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("SEALPOST_HOME", home.toString());
        PORTS.forEach((name, port) -> builder.environment().put("SEALPOST_" + name + "_PORT", String.valueOf(port)));
        Path output = Files.createTempFile(home, "sealpost-", ".out");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("./sealpost " + String.join(" ", args) + " did not finish within " + timeout + ":\n" + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode getJson(String url) throws IOException, InterruptedException {
        return JSON.readTree(get(url).body());
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var paths = Files.walk(path)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
