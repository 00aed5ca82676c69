package dev.sealpost.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sealpost.client.ClientException;
import dev.sealpost.client.ClientSettings;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.auth.DeviceAuthorization;
import dev.sealpost.client.auth.Totp;
import dev.sealpost.client.cli.SealpostCli;
import dev.sealpost.client.mail.Draft;
import dev.sealpost.client.mail.MailClient;
import dev.sealpost.client.mail.MessageSummary;
import dev.sealpost.client.mail.OpenedMessage;
import dev.sealpost.client.mail.Progress;
import dev.sealpost.client.state.ClientHome;
import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.crypto.PublicBundle;
import dev.sealpost.testing.LoopbackPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
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
import java.util.concurrent.atomic.AtomicInteger;

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
    /** The 30-s TOTP window of each user's last sign-in: Keycloak refuses a code twice, so a new sign-in waits for the next. */
    private static final Map<String, Long> TOTP_WINDOW_USED = new HashMap<>();

    @BeforeAll
    static void startStack() throws Exception {
        root = Path.of(System.getProperty("sealpost.root", "..")).toAbsolutePath().normalize();
        home = root.resolve("system-tests/target/local-stack");
        deleteRecursively(home);
        Files.createDirectories(home);
        for (String name : List.of("PG", "KAFKA", "KAFKA_CONTROLLER", "KEYCLOAK", "KEYCLOAK_MANAGEMENT",
                "GATEWAY", "KEY_SERVICE", "MAIL_SERVICE", "AUDIT_SERVICE", "GATEWAY_MANAGEMENT", "KEY_SERVICE_MANAGEMENT",
                "MAIL_SERVICE_MANAGEMENT", "AUDIT_SERVICE_MANAGEMENT")) {
            PORTS.put(name, LoopbackPorts.findFree());
        }
        Result up = sealpost(Duration.ofMinutes(20), "up");
        System.out.println(up.output());
        assertEquals(0, up.exitCode(), "./sealpost up failed:\n" + up.output());
        assertTrue(up.output().contains("Sealpost is up"), up.output());
        for (String component : COMPONENTS) {
            PIDS.put(component, Long.parseLong(Files.readString(home.resolve("run/" + component + ".pid")).trim()));
        }
        // `up` signed alice and carol in: their current codes are spent
        TOTP_WINDOW_USED.put("alice", java.time.Instant.now().getEpochSecond() / 30);
        TOTP_WINDOW_USED.put("carol", java.time.Instant.now().getEpochSecond() / 30);
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (!stackStopped && home != null && Files.isDirectory(home.resolve("run"))) {
            System.out.println(sealpost(Duration.ofMinutes(3), "down").output());
        }
    }

    /** The sum of a service's {@code jvm_memory_committed_bytes} over its heap's pools, from its Prometheus text. */
    private static long committedHeapBytes(String metrics) {
        return metrics.lines()
                .filter(line -> line.startsWith("jvm_memory_committed_bytes{") && line.contains("area=\"heap\""))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    @Order(2)
    void everyComponentIsRunningAndReady() throws Exception {
        for (String component : COMPONENTS) {
            assertTrue(ProcessHandle.of(PIDS.get(component)).map(ProcessHandle::isAlive).orElse(false),
                    component + " is not running");
        }
        JsonNode keycloak = getJson("http://127.0.0.1:" + PORTS.get("KEYCLOAK_MANAGEMENT") + "/health/ready");
        assertEquals("UP", keycloak.path("status").asText(), keycloak.toString());

        for (String service : SERVICES) {
            String base = "http://127.0.0.1:" + servicePort(service);
            String management = "http://127.0.0.1:" + PORTS.get(service.toUpperCase().replace('-', '_') + "_MANAGEMENT");
            // health and metrics are on the management interface only (issue 28, finding 6)
            for (String internal : new String[] {"/q/health/ready", "/q/metrics", "/q/health"}) {
                assertEquals(404, get(base + internal).statusCode(), service + " serves " + internal + " on its public port");
            }
            JsonNode live = getJson(management + "/q/health/live");
            assertEquals("UP", live.path("status").asText(), service + " live: " + live);
            JsonNode ready = getJson(management + "/q/health/ready");
            assertEquals("UP", ready.path("status").asText(), service + " ready: " + ready);
            List<String> checks = new ArrayList<>();
            ready.path("checks").forEach(check -> checks.add(check.path("name").asText()));
            // the gateway has no database (its events go to Kafka through a bounded buffer)
            assertEquals(!service.equals("gateway"), checks.contains("PostgreSQL"), service + ": " + checks);
            assertTrue(checks.contains("Kafka topic for security events"), service + ": " + checks);
            assertEquals("Sealpost " + service,
                    getJson(base + "/q/openapi?format=json").path("info").path("title").asText());
            String metrics = get(management + "/q/metrics").body();
            assertTrue(metrics.contains("jvm_memory_used_bytes"), service + " metrics");
            // the JVM holds its whole heap from the start (-Xms = -Xmx, docs/decisions.md "Local stack")
            assertEquals(256L << 20, committedHeapBytes(metrics), service + " committed heap");
        }
        // PostgreSQL runs with the settings sealpost.sh chose for the sends' WAL (docs/operations.md, "Database host")
        StackDatabase database = new StackDatabase(PORTS.get("PG"), secret("PG_SUPERUSER_PASSWORD"));
        assertEquals("off", database.setting("wal_init_zero"));
        assertEquals("4GB", database.setting("max_wal_size"));
        assertEquals("15min", database.setting("checkpoint_timeout"));
    }

    /** The entries of secrets.env each service uses; every other entry is foreign to it (docs/operations.md, "Secrets"). */
    private static final Map<String, java.util.Set<String>> OWN_SECRETS = Map.of(
            "gateway", java.util.Set.of("GATEWAY_CLIENT_SECRET"),
            "key-service", java.util.Set.of("KEY_ENCRYPTION_KEY", "GATEWAY_CLIENT_SECRET", "AUDIT_CLIENT_SECRET", "DB_PASSWORD_key_service"),
            "mail-service", java.util.Set.of("DB_PASSWORD_mail_service"),
            "audit-service", java.util.Set.of("AUDIT_CLIENT_SECRET", "DB_PASSWORD_audit_service"));
    /** The environment variables naming a secret that each service reads. */
    private static final Map<String, java.util.Set<String>> OWN_SECRET_VARIABLES = Map.of(
            "gateway", java.util.Set.of("SEALPOST_GATEWAY_CLIENT_SECRET"),
            "key-service", java.util.Set.of("SEALPOST_KEK", "SEALPOST_GATEWAY_CLIENT_SECRET", "SEALPOST_AUDIT_CLIENT_SECRET",
                    "SEALPOST_DB_PASSWORD"),
            "mail-service", java.util.Set.of("SEALPOST_DB_PASSWORD"),
            "audit-service", java.util.Set.of("SEALPOST_AUDIT_CLIENT_SECRET", "SEALPOST_DB_PASSWORD"));

    /**
     * Every service process (and anything it started) holds only its own secrets: no variable naming
     * another service's secret in {@code /proc/PID/environ}, and no value of secrets.env that is not its
     * own in its environment or on its command line, under whatever name. Its own secrets are there, so
     * the check reads the real environment.
     */
    @Test
    @Order(1)
    void eachServiceProcessHoldsOnlyItsOwnSecrets() throws Exception {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String line : Files.readAllLines(home.resolve("secrets.env"))) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                secrets.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        // short values could match by chance; every generated secret is 40 characters or a 32-byte key
        secrets.forEach((name, value) -> assertTrue(value.length() >= 24, name + " in secrets.env is too short to search for"));
        List<String> foreign = new ArrayList<>();
        for (String service : SERVICES) {
            ProcessHandle process = ProcessHandle.of(PIDS.get(service)).orElseThrow(() -> new AssertionError(service + " is not running"));
            List<ProcessHandle> processes = new ArrayList<>(List.of(process));
            process.descendants().forEach(processes::add);
            for (ProcessHandle each : processes) {
                String where = service + " (pid " + each.pid() + ")";
                Map<String, String> environment = new LinkedHashMap<>();
                for (String entry : procFile(each.pid(), "environ")) {
                    int equals = entry.indexOf('=');
                    environment.put(equals < 0 ? entry : entry.substring(0, equals), equals < 0 ? "" : entry.substring(equals + 1));
                }
                String commandLine = String.join(" ", procFile(each.pid(), "cmdline"));
                for (String variable : environment.keySet()) {
                    if (variable.matches("(?i).*(secret|password|passphrase|kek).*") && !OWN_SECRET_VARIABLES.get(service).contains(variable)) {
                        foreign.add(where + " has the variable " + variable);
                    }
                }
                for (var secret : secrets.entrySet()) {
                    if (OWN_SECRETS.get(service).contains(secret.getKey())) {
                        continue;
                    }
                    // names only in the message: the values are secrets
                    environment.forEach((variable, value) -> {
                        if (value.contains(secret.getValue())) {
                            foreign.add(where + " has the value of " + secret.getKey() + " in " + variable);
                        }
                    });
                    if (commandLine.contains(secret.getValue())) {
                        foreign.add(where + " has the value of " + secret.getKey() + " on its command line");
                    }
                }
                if (each.equals(process)) {
                    assertEquals(secrets.get("DB_PASSWORD_" + service.replace('-', '_')), environment.get("SEALPOST_DB_PASSWORD"),
                            where + ": its own database password, read from its environment");
                }
            }
        }
        assertEquals(List.of(), foreign, "secrets of other services");
        // and the ones that must be there are: key-service checks both internal clients with the same secrets they send
        Map<String, String> keyService = new HashMap<>();
        for (String entry : procFile(PIDS.get("key-service"), "environ")) {
            keyService.put(entry.substring(0, Math.max(0, entry.indexOf('='))), entry.substring(entry.indexOf('=') + 1));
        }
        assertEquals(secrets.get("KEY_ENCRYPTION_KEY"), keyService.get("SEALPOST_KEK"));
        assertEquals(secrets.get("GATEWAY_CLIENT_SECRET"), keyService.get("SEALPOST_GATEWAY_CLIENT_SECRET"));
        assertEquals(secrets.get("AUDIT_CLIENT_SECRET"), keyService.get("SEALPOST_AUDIT_CLIENT_SECRET"));
    }

    /** The NUL-separated entries of /proc/PID/NAME (environ, cmdline). */
    private static List<String> procFile(long pid, String name) throws IOException {
        String content = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), name)), StandardCharsets.UTF_8);
        return List.of(content.split("\0"));
    }

    @Test
    @Order(3)
    void eachRealmIssuesTokensWithItsIssuerAndTheGatewayAudience() throws Exception {
        // bob and dave: alice and carol already used their current TOTP code in `up`, and Keycloak
        // rightly refuses a code twice
        assertToken("bob", "consumer");
        assertToken("dave", "acme");
    }

    @Test
    @Order(4)
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
                "x".repeat(200_000)), dev.sealpost.crypto.Addressing.to(new dev.sealpost.crypto.Contact("bob@sealpost.test", keys.publicBundle())),
                new dev.sealpost.crypto.Mailbox("bob@sealpost.test", keys)).get(0).envelope();
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
    @Order(5)
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

    /** bob's token shows both factors; erin signed in with her password alone (she has no OTP yet): refused. */
    @Test
    @Order(6)
    void theGatewayRequiresASecondFactorFromTheToken() throws Exception {
        String gateway = "http://127.0.0.1:" + PORTS.get("GATEWAY");
        JsonNode bobsClaims = JSON.readTree(Base64.getUrlDecoder().decode(TOKENS.get("bob").split("\\.")[1]));
        List<String> methods = new ArrayList<>();
        bobsClaims.path("amr").forEach(method -> methods.add(method.asText()));
        assertTrue(methods.containsAll(List.of("pwd", "otp")), "bob's amr " + methods);
        assertEquals(200, getWithToken(gateway + "/api/mail/quota", TOKENS.get("bob")).statusCode());

        JsonNode erin = passwordGrant("consumer", "erin", "erin-demo-passphrase");
        String erinsToken = erin.path("access_token").asText();
        String erinsSubject = JSON.readTree(Base64.getUrlDecoder().decode(erinsToken.split("\\.")[1])).path("sub").asText();
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/mail/quota"))
                .header("Authorization", "Bearer " + erinsToken).header("X-Request-Id", "erin-password-only").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"insufficient_user_authentication\""),
                refused.headers().map().toString());
        assertTrue(JSON.readTree(refused.body()).path("detail").asText().contains("one-time code"), refused.body());
        JsonNode event = StackEvents.matching(PORTS.get("KAFKA"), e -> "erin-password-only".equals(e.path("requestId").asText()), 1).get(0);
        assertEquals("SIGN_IN_FAILED", event.path("type").asText());
        assertEquals("second_factor_missing", event.path("reason").asText());
        assertEquals("consumer", event.path("tenant").asText(), "a genuine token: the event goes to erin's own log");
        assertEquals(erinsSubject, event.path("actor").path("subject").asText());
    }

    /**
     * Forged and misused tokens through the gateway: every one refused with a 401 problem and no stack
     * trace, one SIGN_IN_FAILED event each with its reason category, and no key URL fetched.
     */
    @Test
    @Order(8)
    void craftedAndMisusedTokensAreRefusedWithOneEventEach() throws Exception {
        String gateway = "http://127.0.0.1:" + PORTS.get("GATEWAY");
        String keycloak = "http://localhost:" + PORTS.get("KEYCLOAK");
        CraftedTokens bob = new CraftedTokens(TOKENS.get("bob"));
        String realmKey = getJson(keycloak + "/realms/consumer").path("public_key").asText();
        AtomicInteger keyFetches = new AtomicInteger();
        HttpServer keyHost = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keyHost.createContext("/", exchange -> {
            keyFetches.incrementAndGet();
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        keyHost.start();
        String keyUrl = "http://127.0.0.1:" + keyHost.getAddress().getPort() + "/jwks.json";
        JsonNode erin = passwordGrant("consumer", "erin", "erin-demo-passphrase");
        Map<String, String> expectedReason = new LinkedHashMap<>();
        Map<String, String> tokens = new LinkedHashMap<>();
        try {
            tokens.put("alg-none", bob.unsigned());
            expectedReason.put("alg-none", "unsigned");
            tokens.put("stripped-signature", bob.stripped());
            expectedReason.put("stripped-signature", "unsigned");
            tokens.put("hs-rs-confusion", bob.hmacWithRealmPublicKey(realmKey));
            tokens.put("unknown-signer", bob.signedByUnknownKey());
            tokens.put("embedded-jwk", bob.withEmbeddedJwk());
            tokens.put("jku", bob.withKeyUrl("jku", keyUrl));
            tokens.put("x5u", bob.withKeyUrl("x5u", keyUrl));
            tokens.put("kid-injection", bob.withInjectedKid());
            tokens.put("es256-zero", bob.es256ZeroSignature());
            // dave's genuine acme token presented as the consumer realm's: verified with consumer's keys only
            tokens.put("issuer-swapped", new CraftedTokens(TOKENS.get("dave")).withClaim("iss", keycloak + "/realms/consumer"));
            tokens.put("id-token", erin.path("id_token").asText());
            expectedReason.put("id-token", "wrong_token_type");
            tokens.put("refresh-token", erin.path("refresh_token").asText());
            expectedReason.put("refresh-token", "wrong_token_type");
            tokens.put("other-audience", clientCredentialsToken("consumer"));
            expectedReason.put("other-audience", "wrong_audience");
            tokens.put("expired", expiredToken());
            expectedReason.put("expired", "expired");
            tokens.keySet().forEach(name -> expectedReason.putIfAbsent(name, "bad_signature"));

            String run = "crafted-" + System.nanoTime() + "-";
            for (var token : tokens.entrySet()) {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/mail/quota"))
                        .header("Authorization", "Bearer " + token.getValue()).header("X-Request-Id", run + token.getKey()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(401, response.statusCode(), token.getKey() + ": " + response.body());
                assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""), token.getKey());
                assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), token.getKey() + ": " + response.body());
            }
            List<JsonNode> events = StackEvents.matching(PORTS.get("KAFKA"), e -> e.path("requestId").asText().startsWith(run), tokens.size());
            Map<String, String> reasons = new LinkedHashMap<>();
            for (JsonNode event : events) {
                assertEquals("SIGN_IN_FAILED", event.path("type").asText(), event.toString());
                String name = event.path("requestId").asText().substring(run.length());
                assertEquals(null, reasons.put(name, event.path("reason").asText()), "one event for " + name);
                String text = event.toString();
                assertFalse(text.contains(tokens.get(name).substring(0, Math.min(40, tokens.get(name).length()))), "no token in " + text);
            }
            assertEquals(expectedReason, reasons);
            assertEquals(0, keyFetches.get(), "the gateway fetched a key URL named in a token");
        } finally {
            keyHost.stop(0);
        }
    }

    /**
     * A second gateway replica (per-user limit 5 a minute), started after the acme realm got a signing
     * key of the test's own: a token of the realm that is not valid yet is refused with one
     * {@code not_yet_valid} event, the same token valid now passes; bob is slowed down after his
     * fifth request while dave, from the same address, is not, and bob's refusal is one
     * {@code REQUEST_RATE_LIMITED} event in his name.
     */
    @Test
    @Order(9)
    void aReplicaWithTighterLimitsRefusesATokenNotYetValidAndLimitsEachUserApart() throws Exception {
        String bob = signInWithSecondFactor("bob", "consumer");
        ObjectNode dave = new CraftedTokens(TOKENS.get("dave")).claims();
        long now = java.time.Instant.now().getEpochSecond();
        dave.put("iat", now).put("exp", now + 300).put("jti", java.util.UUID.randomUUID().toString());
        String run = "replica-" + System.nanoTime() + "-";
        try (RealmSigningKey acmeKey = RealmSigningKey.add("http://localhost:" + PORTS.get("KEYCLOAK"), "acme", keycloakAdminToken());
                GatewayReplica replica = GatewayReplica.start(root, home, PORTS,
                        Map.of("SEALPOST_RATE_LIMIT_PER_IP", "100000000", "SEALPOST_RATE_LIMIT_PER_USER", "5"))) {
            String quota = replica.url() + "/api/mail/quota";
            HttpResponse<String> notYet = send(quota, acmeKey.sign(dave.deepCopy().put("nbf", now + 3600)), run + "not-yet-valid");
            assertEquals(401, notYet.statusCode(), notYet.body());
            assertEquals("application/problem+json", notYet.headers().firstValue("Content-Type").orElse(""));
            String daveNow = acmeKey.sign(dave.deepCopy().put("nbf", now - 5));
            HttpResponse<String> valid = send(quota, daveNow, run + "valid-now");
            assertEquals(200, valid.statusCode(), "the same token, valid now, passes: the realm's key is trusted; " + valid.body());

            for (int request = 1; request <= 5; request++) {
                HttpResponse<String> allowed = send(quota, bob, run + "bob-" + request);
                assertEquals(200, allowed.statusCode(), "bob's request " + request + ": " + allowed.body());
            }
            HttpResponse<String> limited = send(quota, bob, run + "bob-limited");
            assertEquals(429, limited.statusCode(), limited.body());
            assertEquals("application/problem+json", limited.headers().firstValue("Content-Type").orElse(""));
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 12, "one request comes back every 12 s: Retry-After " + retryAfter);
            assertEquals(200, send(quota, daveNow, run + "dave-after-bob").statusCode(), "another user from the same address is not slowed down");
        }
        List<JsonNode> events = StackEvents.matching(PORTS.get("KAFKA"),
                e -> e.path("requestId").asText().startsWith(run) && !"SIGN_IN_SUCCEEDED".equals(e.path("type").asText()), 2);
        Map<String, JsonNode> byRequest = new LinkedHashMap<>();
        events.forEach(event -> byRequest.put(event.path("requestId").asText().substring(run.length()), event));
        assertEquals(java.util.Set.of("not-yet-valid", "bob-limited"), byRequest.keySet(), "one event each: " + events);
        assertEquals("SIGN_IN_FAILED", byRequest.get("not-yet-valid").path("type").asText());
        assertEquals("not_yet_valid", byRequest.get("not-yet-valid").path("reason").asText());
        JsonNode rateLimited = byRequest.get("bob-limited");
        assertEquals("REQUEST_RATE_LIMITED", rateLimited.path("type").asText());
        assertEquals(new CraftedTokens(bob).claims().path("sub").asText(), rateLimited.path("actor").path("subject").asText());
        assertTrue(rateLimited.path("target").asText().contains("limit:per-user"), rateLimited.toString());
        assertEquals("consumer", rateLimited.path("tenant").asText());
    }

    /**
     * Issue 28, finding 10: a token stayed usable after its Keycloak session ended, until it expired.
     * Keycloak's back-channel logout reaches the gateway; the gateway passes it on to its replica, and
     * both refuse the session's tokens within seconds: after the user signs out (bob), and after an
     * administrator revokes a session (carol). A logout token that is not Keycloak's is refused.
     */
    @Test
    @Order(7)
    void aSessionEndedInKeycloakIsRefusedWithinSecondsByEveryGatewayReplica() throws Exception {
        String keycloak = "http://localhost:" + PORTS.get("KEYCLOAK");
        String gateway = "http://127.0.0.1:" + PORTS.get("GATEWAY");
        String run = "logout-" + System.nanoTime() + "-";
        Sealpost bob = signedIn("bob");
        String bobToken = bob.profile().session().orElseThrow().accessToken();
        String carolToken = signInWithSecondFactor("carol", "acme");
        String daveToken = signInWithSecondFactor("dave", "acme");
        try (GatewayReplica replica = GatewayReplica.start(root, home, PORTS, Map.of())) {
            for (String base : List.of(gateway, replica.url())) {
                assertEquals(200, send(base + "/api/mail/quota", bobToken, run + "bob-before").statusCode());
                assertEquals(200, send(base + "/api/mail/quota", carolToken, run + "carol-before").statusCode());
            }
            // bob signs out with the SDK (what `sealpost logout` does)
            bob.signOut();
            assertTrue(bob.profile().session().isEmpty(), "the tokens are gone from the profile");
            // an administrator ends carol's session
            String carolSession = new CraftedTokens(carolToken).claims().path("sid").asText();
            assertFalse(carolSession.isEmpty(), "Keycloak's access tokens carry the session id");
            HttpResponse<String> revoke = HTTP.send(HttpRequest.newBuilder(URI.create(keycloak + "/admin/realms/acme/sessions/" + carolSession))
                    .header("Authorization", "Bearer " + keycloakAdminToken()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, revoke.statusCode(), revoke.body());

            for (String base : List.of(gateway, replica.url())) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                        send(base + "/api/mail/quota", bobToken, run + "bob-after").statusCode() == 401
                                && send(base + "/api/mail/quota", carolToken, run + "carol-after").statusCode() == 401);
                HttpResponse<String> refused = send(base + "/api/mail/quota", bobToken, run + "bob-after");
                assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
                assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), refused.headers().toString());
            }
        }
        // a logout token that is not Keycloak's: an access token, one signed by no realm key, none; dave stays signed in
        String logout = gateway + "/auth/backchannel-logout";
        for (String body : List.of("logout_token=" + daveToken, "logout_token=" + new CraftedTokens(daveToken).forgedLogoutToken(),
                "logout_token=", "something=else")) {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(logout))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, answer.statusCode(), body + " -> " + answer.body());
            assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""), body);
        }
        // only the ended sessions are refused: dave's goes on, the forged logout of his session had no effect
        assertEquals(200, send(gateway + "/api/mail/quota", daveToken, run + "dave").statusCode());
        String bobSubject = new CraftedTokens(bobToken).claims().path("sub").asText();
        String carolSubject = new CraftedTokens(carolToken).claims().path("sub").asText();
        List<JsonNode> ended = StackEvents.matching(PORTS.get("KAFKA"), event -> "SESSION_ENDED".equals(event.path("type").asText())
                && java.util.Set.of(bobSubject, carolSubject).contains(event.path("actor").path("subject").asText()), 2);
        assertEquals(java.util.Set.of(bobSubject, carolSubject), ended.stream().map(event -> event.path("actor").path("subject").asText())
                .collect(java.util.stream.Collectors.toSet()), ended.toString());
        assertTrue(ended.stream().allMatch(event -> !event.path("owner").path("subject").asText().isEmpty()),
                "in the user's own log: " + ended);
        List<JsonNode> refusals = StackEvents.matching(PORTS.get("KAFKA"), event -> event.path("requestId").asText().equals(run + "bob-after")
                && "SIGN_IN_FAILED".equals(event.path("type").asText()), 1);
        assertEquals("session_ended", refusals.get(0).path("reason").asText(), refusals.toString());
    }

    private static HttpResponse<String> send(String url, String token, String requestId) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token)
                .header("X-Request-Id", requestId).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * 60 s of requests through the gateway (each one a passport checked by mail-service) while an
     * operator rotates the tenant's passport key: old passports keep verifying with the retired key,
     * new ones are signed by the new key, and not one request fails.
     */
    @Test
    @Order(10)
    void aPassportKeyRotationDuringSixtySecondsOfLoadFailsNoRequest() throws Exception {
        String gateway = "http://127.0.0.1:" + PORTS.get("GATEWAY");
        String keys = "http://127.0.0.1:" + servicePort("key-service");
        // a fresh token for the minute of load; its TOTP code must come from a window not used before
        freshTotp("bob");
        Result signIn = sealpost(Duration.ofMinutes(1), "token", "bob");
        TOTP_WINDOW_USED.put("bob", java.time.Instant.now().getEpochSecond() / 30);
        assertEquals(0, signIn.exitCode(), signIn.output());
        String bob = signIn.output().strip().lines().reduce((first, second) -> second).orElseThrow();
        String operator = operatorPassport(keys);
        String before = activePassportKey(keys, operator);

        AtomicInteger succeeded = new AtomicInteger();
        // after the rotation, requests to audit-service too: their passports (a new audience) are signed by the new key
        java.util.concurrent.atomic.AtomicBoolean afterRotation = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ConcurrentLinkedQueue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            running.add(clients.submit(() -> {
                while (System.nanoTime() < end) {
                    try {
                        boolean audit = afterRotation.get() && succeeded.get() % 2 == 0;
                        HttpResponse<String> response = getWithToken(gateway + (audit ? "/api/audit/me/events?limit=1" : "/api/mail/quota"), bob);
                        if (response.statusCode() == 200) {
                            succeeded.incrementAndGet();
                        } else {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    } catch (IOException | InterruptedException e) {
                        failures.add(e.toString());
                    }
                }
                return null;
            }));
        }
        // once the load runs, the operator rotates; the rest of the minute runs with both keys' passports
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> succeeded.get() >= 200 || !failures.isEmpty());
        HttpResponse<String> rotated = HTTP.send(HttpRequest.newBuilder(URI.create(keys
                        + "/api/keys/admin/tenants/consumer/signing-keys/passport/rotate")).header("Authorization", "Bearer " + operator)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        afterRotation.set(true);
        for (var client : running) {
            client.get();
        }
        clients.shutdown();
        assertEquals(200, rotated.statusCode(), rotated.body());
        String after = activePassportKey(keys, operator);
        assertFalse(before.equals(after), "the active passport key changed: " + before);
        assertEquals(List.of(), List.copyOf(failures).subList(0, Math.min(5, failures.size())), failures.size() + " requests failed");
        assertTrue(succeeded.get() > 100, "requests that went through: " + succeeded.get());
        System.out.println("rotation under load: " + succeeded.get() + " requests in 60 s, none failed; passport key " + before + " -> " + after);
    }

    /** A passport of an operator of tenant consumer for key-service, asked for the way the gateway asks. */
    private static String operatorPassport(String keys) throws Exception {
        String body = "{\"externalIssuer\":\"http://localhost:" + PORTS.get("KEYCLOAK") + "/realms/consumer\",\"externalSubject\":"
                + "\"system-test-operator\",\"tenant\":\"consumer\",\"roles\":[\"sealpost-operator\"],\"acr\":\"2fa\","
                + "\"audience\":\"key-service\"}";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(keys + "/internal/passports"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("sealpost-gateway:" + secret("GATEWAY_CLIENT_SECRET"))
                        .getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("passport").asText();
    }

    private static String activePassportKey(String keys, String operator) throws Exception {
        JsonNode list = JSON.readTree(getWithToken(keys + "/api/keys/admin/tenants/consumer/signing-keys", operator).body());
        for (JsonNode key : list) {
            if ("passport".equals(key.path("purpose").asText()) && "ACTIVE".equals(key.path("state").asText())) {
                return key.path("kid").asText();
            }
        }
        throw new AssertionError("no active passport key: " + list);
    }

    private static JsonNode passwordGrant(String realm, String user, String password) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + PORTS.get("KEYCLOAK") + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=sealpost-cli&scope=openid&username=" + user
                        + "&password=" + password)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** A token of the realm for another client (the gateway's own service account): not for the gateway's audience. */
    private static String clientCredentialsToken(String realm) throws Exception {
        String secret = secret("GATEWAY_CLIENT_SECRET");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + PORTS.get("KEYCLOAK") + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=sealpost-gateway&client_secret="
                        + java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    /** A genuine token that has expired: the realm's token lifespan is set to 1 s for one sign-in, then restored. */
    private static String expiredToken() throws Exception {
        String keycloak = "http://localhost:" + PORTS.get("KEYCLOAK");
        String adminToken = keycloakAdminToken();
        HttpResponse<String> realm = HTTP.send(HttpRequest.newBuilder(URI.create(keycloak + "/admin/realms/consumer"))
                .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, realm.statusCode(), realm.body());
        int lifespan = JSON.readTree(realm.body()).path("accessTokenLifespan").asInt();
        assertTrue(lifespan > 1, "lifespan " + lifespan);
        setTokenLifespan(adminToken, 1);
        String token;
        try {
            token = passwordGrant("consumer", "erin", "erin-demo-passphrase").path("access_token").asText();
        } finally {
            setTokenLifespan(adminToken, lifespan);
        }
        long expiresAt = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1])).path("exp").asLong();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> java.time.Instant.now().getEpochSecond() > expiresAt + 1);
        return token;
    }

    private static void setTokenLifespan(String adminToken, int seconds) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + PORTS.get("KEYCLOAK") + "/admin/realms/consumer"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"accessTokenLifespan\": " + seconds + "}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, response.statusCode(), response.body());
    }

    /** The stack's Keycloak administrator (master realm), as an operator signs in to change a realm. */
    private static String keycloakAdminToken() throws Exception {
        HttpResponse<String> admin = HTTP.send(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + PORTS.get("KEYCLOAK") + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=admin&password="
                        + java.net.URLEncoder.encode(secret("KEYCLOAK_ADMIN_PASSWORD"), StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, admin.statusCode(), admin.body());
        return JSON.readTree(admin.body()).path("access_token").asText();
    }

    /** A fresh access token of a demo user, signed in with password and one-time code like the CLI does. */
    private static String signInWithSecondFactor(String user, String realm) throws Exception {
        String totp = freshTotp(user);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + PORTS.get("KEYCLOAK") + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=sealpost-cli&scope=openid&username=" + user
                        + "&password=" + DEMO_USERS.get(user)[1] + "&totp=" + totp)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    private static String secret(String name) throws IOException {
        return Files.readAllLines(home.resolve("secrets.env")).stream().filter(line -> line.startsWith(name + "="))
                .map(line -> line.substring(name.length() + 1)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ the SDK and the CLI (issue 8)

    /** The demo users of deploy/local/keycloak: address, password, TOTP secret. */
    private static final Map<String, String[]> DEMO_USERS = Map.of(
            "alice", new String[] {"alice@sealpost.test", "alice-demo-passphrase", "alice-demo-totp-key!"},
            "bob", new String[] {"bob@sealpost.test", "bob-demo-passphrase", "bob-demo-totp-key!!!"},
            "carol", new String[] {"carol@acme.test", "carol-demo-passphrase", "carol-demo-totp-key!"},
            "dave", new String[] {"dave@acme.test", "dave-demo-passphrase", "dave-demo-totp-key!!"});
    private static final String CANARY = "canary-" + java.util.UUID.randomUUID();
    private static String sentMessageId;

    private static ClientSettings clientSettings() {
        return new ClientSettings(URI.create("http://127.0.0.1:" + PORTS.get("GATEWAY")), URI.create("http://localhost:" + PORTS.get("KEYCLOAK")),
                ClientSettings.LOCAL_REALMS);
    }

    private static ClientHome clientHome() {
        return new ClientHome(home.resolve("client-state"));
    }

    private static char[] keyPassphrase(String user) {
        return ("key passphrase of " + user).toCharArray();
    }

    /** A TOTP code from a 30-s window this user has not signed in with yet (Keycloak refuses a code twice). */
    private static String freshTotp(String user) {
        long usedWindow = TOTP_WINDOW_USED.getOrDefault(user, 0L);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(35)).pollInterval(Duration.ofMillis(500))
                .until(() -> java.time.Instant.now().getEpochSecond() / 30 > usedWindow);
        java.time.Instant now = java.time.Instant.now();
        TOTP_WINDOW_USED.put(user, now.getEpochSecond() / 30);
        return Totp.code(DEMO_USERS.get(user)[2].getBytes(StandardCharsets.UTF_8), now);
    }

    private static Sealpost signedIn(String user) throws Exception {
        String[] demo = DEMO_USERS.get(user);
        Sealpost client = Sealpost.forAddress(clientSettings(), clientHome(), demo[0]);
        client.signInWithPassword(user, demo[1].toCharArray(), freshTotp(user));
        return client;
    }

    private record CliResult(int exitCode, String out, String err) {
    }

    /** The CLI exactly as `sealpost ARGS` runs it, against this stack and the test's client state. */
    private static CliResult cli(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = SealpostCli.run(args, new java.io.PrintWriter(out), new java.io.PrintWriter(err), clientSettings(), clientHome());
        return new CliResult(exit, out.toString(), err.toString());
    }

    private static Path secretFile(String name, char[] secret) throws IOException {
        Path file = home.resolve(name);
        Files.writeString(file, new String(secret));
        return file;
    }

    @Test
    @Order(11)
    void aliceSealsForBobAndCarolWhoOpenItAndNoPlaintextReachesAnyServerTableTopicOrLog() throws Exception {
        Sealpost alice = signedIn("alice");
        Sealpost bob = signedIn("bob");
        Sealpost carol = signedIn("carol");
        for (var user : Map.of("alice", alice, "bob", bob, "carol", carol).entrySet()) {
            user.getValue().initKeys(keyPassphrase(user.getKey()));
        }
        Path attachment = home.resolve("plan.txt");
        Files.writeString(attachment, CANARY + "-attachment\n" + "the plan, line after line\n".repeat(4_000));
        String subject = CANARY + "-subject";
        byte[] body = (CANARY + "-body: only bob and carol can read this").getBytes(StandardCharsets.UTF_8);
        Map<String, long[]> progress = new java.util.concurrent.ConcurrentHashMap<>();
        MailClient.Sent sent = alice.mail().send(new Draft(List.of("bob@sealpost.test"), List.of("carol@acme.test"), List.of(), subject, body,
                List.of(attachment), null), alice.unlock(keyPassphrase("alice")), (step, done, total) -> progress.put(step, new long[] {done, total}));
        assertEquals(2, sent.recipients());
        // what the CLI's bar is drawn from: sealing and uploading both reported, each up to its total
        assertEquals(Files.size(attachment) + body.length, progress.get("sealing")[1]);
        assertEquals(progress.get("uploading")[1], progress.get("uploading")[0], "the upload reported its end");

        String aliceFingerprint = alice.unlock(keyPassphrase("alice")).publicBundle().fingerprint().toHex();
        for (var reader : Map.of("bob", bob, "carol", carol).entrySet()) {
            MessageSummary received = reader.getValue().mail().list("inbox", 10, null).messages().stream()
                    .filter(message -> message.senderAddress().equals("alice@sealpost.test")).findFirst()
                    .orElseThrow(() -> new AssertionError(reader.getKey() + " did not receive it"));
            OpenedMessage opened = reader.getValue().mail().read(received.id(), reader.getValue().unlock(keyPassphrase(reader.getKey())));
            assertEquals(subject, opened.subject(), reader.getKey());
            assertTrue(java.util.Arrays.equals(body, opened.body()), reader.getKey());
            assertEquals(1, opened.attachments().size());
            assertEquals("plan.txt", opened.attachments().get(0).name());
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(attachment), Files.readAllBytes(opened.attachments().get(0).file())), reader.getKey());
            assertEquals(List.of("carol@acme.test"), opened.manifest().orElseThrow().cc(), "the signed manifest names the Cc recipient");
            opened.close();
            assertFalse(Files.exists(opened.directory()), "the opened plaintext is deleted on close");
            assertEquals(aliceFingerprint, opened.senderFingerprint(), "verified with alice's logged key");
            assertTrue(reader.getValue().mail().summary(received.id()).seen(), "marked seen once opened");
        }
        // carol files it: flagged, into her archive, then into the trash
        MessageSummary carols = carol.mail().list("inbox", 10, null).messages().get(0);
        carol.mail().flags(carols.id(), null, true);
        carol.mail().move(carols.id(), "archive");
        MessageSummary archived = carol.mail().list("archive", 10, null).messages().get(0);
        assertEquals(carols.id(), archived.id());
        assertTrue(archived.flagged() && archived.seen());
        carol.mail().delete(carols.id());
        assertEquals(carols.id(), carol.mail().list("trash", 10, null).messages().get(0).id());
        assertTrue(carol.mail().list("archive", 10, null).messages().isEmpty());

        // alice's sent folder holds it, and she can open her own copy
        MessageSummary sentCopy = alice.mail().list("sent", 10, null).messages().stream()
                .filter(message -> message.recipientAddresses().containsAll(List.of("bob@sealpost.test", "carol@acme.test"))).findFirst()
                .orElseThrow(() -> new AssertionError("not in alice's sent folder"));
        sentMessageId = sentCopy.id().toString();
        assertEquals(subject, alice.mail().read(sentCopy.id(), alice.unlock(keyPassphrase("alice"))).subject());

        // the canary is in subject, body and attachment: no table, topic or service log may hold it (nor its hex)
        StackDatabase database = new StackDatabase(PORTS.get("PG"), secret("PG_SUPERUSER_PASSWORD"));
        assertEquals(List.of(), database.occurrences(List.of(CANARY)), "plaintext in the database");
        byte[] canary = CANARY.getBytes(StandardCharsets.UTF_8);
        String canaryHex = java.util.HexFormat.of().formatHex(canary);
        List<byte[]> records = StackEvents.everyRecordOfEveryTopic(PORTS.get("KAFKA"));
        assertTrue(records.size() > 10, "the topics were read: " + records.size() + " records");
        for (byte[] record : records) {
            String text = new String(record, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains(CANARY) || text.contains(canaryHex), "plaintext in a Kafka record: " + text);
        }
        try (var logs = Files.list(home.resolve("logs"))) {
            for (Path log : logs.toList()) {
                String text = new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(CANARY) || text.contains(canaryHex), "plaintext in " + log.getFileName());
            }
        }
        // the stored envelopes are ciphertext that only the recipients' keys open
        assertTrue(alice.mail().summary(sentCopy.id()).sizeBytes() > Files.size(attachment));
    }

    @Test
    @Order(12)
    void aBundleReplacedInTheKeyDirectoryDatabaseStopsTheSenderWithTheReason() throws Exception {
        Sealpost alice = Sealpost.forAddress(clientSettings(), clientHome(), "alice@sealpost.test");
        clientHome().makeCurrent(alice.profile());
        StackDatabase database = new StackDatabase(PORTS.get("PG"), secret("PG_SUPERUSER_PASSWORD"));
        StackDatabase.Bundle original = database.latestBundle("bob@sealpost.test");
        PublicBundle attackers = PrivateKeys.generate().publicBundle();
        database.replaceBundle("bob@sealpost.test", new StackDatabase.Bundle(original.version(), attackers.toBytes(),
                attackers.fingerprint().toBytes()));
        try {
            ClientException.DirectoryInconsistent refused = org.junit.jupiter.api.Assertions.assertThrows(
                    ClientException.DirectoryInconsistent.class, () -> alice.mail().send(new Draft(List.of("bob@sealpost.test"), "hi",
                            "hello".getBytes(StandardCharsets.UTF_8), List.of()), alice.unlock(keyPassphrase("alice")), Progress.NONE));
            assertTrue(refused.getMessage().contains("bob@sealpost.test") && refused.getMessage().contains("transparency log"),
                    refused.getMessage());
            // the CLI refuses as well, with its own exit code and the reason
            Path bodyFile = secretFile("body.txt", "hello".toCharArray());
            CliResult cliSend = cli("send", "--to", "bob@sealpost.test", "--subject", "hi", "--body-file", bodyFile.toString(),
                    "--passphrase-file", secretFile("alice.key", keyPassphrase("alice")).toString());
            assertEquals(SealpostCli.DIRECTORY_INCONSISTENT, cliSend.exitCode(), cliSend.out() + cliSend.err());
            assertTrue(cliSend.err().contains("substituted"), cliSend.err());
        } finally {
            database.replaceBundle("bob@sealpost.test", original);
        }
        // with the directory honest again, the same send goes through
        assertEquals(1, alice.mail().send(new Draft(List.of("bob@sealpost.test"), "hi again", "hello".getBytes(StandardCharsets.UTF_8), List.of()),
                alice.unlock(keyPassphrase("alice")), Progress.NONE).recipients());
    }

    @Test
    @Order(13)
    void bobReadsHisSecurityLogAndDaveExportsOnlyAcmeEventsThroughTheCli() throws Exception {
        CliResult login = cli("login", "bob@sealpost.test", "--otp", freshTotp("bob"), "--password-file",
                secretFile("bob.password", DEMO_USERS.get("bob")[1].toCharArray()).toString());
        assertEquals(0, login.exitCode(), login.err());
        // his sign-ins (recorded by the gateway), the mailbox accesses and alice's delivery (by mail-service)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            CliResult log = cli("--json", "log", "--limit", "200");
            assertEquals(0, log.exitCode(), log.err());
            JsonNode events = JSON.readTree(log.out()).path("events");
            java.util.Set<String> types = new java.util.HashSet<>();
            boolean deliveryFromAlice = false;
            for (JsonNode event : events) {
                types.add(event.path("type").asText());
                deliveryFromAlice |= "MESSAGE_RECEIVED".equals(event.path("type").asText())
                        && "alice@sealpost.test".equals(event.path("actor").path("address").asText());
            }
            assertTrue(types.containsAll(List.of("SIGN_IN_SUCCEEDED", "MAILBOX_ACCESSED", "MESSAGE_RECEIVED")), types.toString());
            assertTrue(deliveryFromAlice, "alice's delivery is in bob's log");
        });
        CliResult table = cli("log", "--limit", "50");
        assertTrue(table.out().contains("MESSAGE_RECEIVED") && table.out().contains("alice@sealpost.test"), table.out());

        CliResult daveLogin = cli("login", "dave@acme.test", "--otp", freshTotp("dave"), "--password-file",
                secretFile("dave.password", DEMO_USERS.get("dave")[1].toCharArray()).toString());
        assertEquals(0, daveLogin.exitCode(), daveLogin.err());
        Path export = home.resolve("acme-events.ocsf.jsonl");
        CliResult exported = cli("audit", "export", "--format", "ocsf", "--output", export.toString());
        assertEquals(0, exported.exitCode(), exported.err());
        List<String> lines = Files.readAllLines(export);
        assertFalse(lines.isEmpty());
        boolean carolsDelivery = false;
        for (String line : lines) {
            JsonNode ocsf = JSON.readTree(line);
            assertEquals("acme", ocsf.path("metadata").path("tenant_uid").asText(), "only acme's events: " + line);
            carolsDelivery |= line.contains("carol@acme.test");
        }
        assertTrue(carolsDelivery, "carol's events are in acme's export");
        CliResult query = cli("--json", "audit", "query", "--type", "MESSAGE_RECEIVED", "--limit", "20");
        assertEquals(0, query.exitCode(), query.err());
        JsonNode found = JSON.readTree(query.out()).path("events");
        assertTrue(found.size() >= 1, query.out());
        found.forEach(event -> assertEquals("acme", event.path("tenant").asText(), event.toString()));
        // bob, who is no SOC analyst, is refused the tenant's events
        clientHome().makeCurrent(clientHome().profile("bob@sealpost.test"));
        CliResult refused = cli("audit", "query");
        assertEquals(SealpostCli.NOT_AUTHORIZED, refused.exitCode(), refused.out() + refused.err());
    }

    @Test
    @Order(14)
    void aContactsChangedKeyStopsTheSendUntilTheUserAcceptsItLikeKnownHosts() throws Exception {
        // bob rotates his keys with the CLI: a new, properly logged version
        clientHome().makeCurrent(clientHome().profile("bob@sealpost.test"));
        Path bobsPassphrase = secretFile("bob.key", keyPassphrase("bob"));
        CliResult rotated = cli("--json", "keys", "rotate", "--passphrase-file", bobsPassphrase.toString());
        assertEquals(0, rotated.exitCode(), rotated.err());
        String newFingerprint = JSON.readTree(rotated.out()).path("fingerprint").asText();
        // alice pinned bob's first key: her send stops and shows both fingerprints
        clientHome().makeCurrent(clientHome().profile("alice@sealpost.test"));
        Path alicesPassphrase = secretFile("alice.key", keyPassphrase("alice"));
        Path bodyFile = secretFile("body.txt", "after the rotation".toCharArray());
        String[] send = {"send", "--to", "bob@sealpost.test", "--subject", "after the rotation", "--body-file", bodyFile.toString(),
                "--passphrase-file", alicesPassphrase.toString()};
        CliResult stopped = cli(send);
        assertEquals(SealpostCli.KEY_CHANGED, stopped.exitCode(), stopped.out() + stopped.err());
        String pinned = clientHome().profile("alice@sealpost.test").pinnedContacts().get("bob@sealpost.test");
        assertTrue(stopped.err().contains(pinned) && stopped.err().contains(newFingerprint), stopped.err());
        // a fingerprint other than the directory's is not accepted; the one bob told her is
        CliResult wrong = cli("keys", "accept", "bob@sealpost.test", "--fingerprint", pinned);
        assertEquals(1, wrong.exitCode(), wrong.out());
        CliResult accepted = cli("keys", "accept", "bob@sealpost.test", "--fingerprint", newFingerprint);
        assertEquals(0, accepted.exitCode(), accepted.err());
        Path attachment = home.resolve("minutes.bin");
        byte[] attached = new byte[300_000];
        new java.util.Random(8).nextBytes(attached);
        Files.write(attachment, attached);
        String[] withAttachment = java.util.stream.Stream.concat(java.util.Arrays.stream(send), java.util.stream.Stream.of("--attach",
                attachment.toString())).toArray(String[]::new);
        CliResult sent = cli(withAttachment);
        assertEquals(0, sent.exitCode(), sent.err());
        CliResult verified = cli("keys", "verify", "bob@sealpost.test");
        assertEquals(0, verified.exitCode(), verified.err());
        assertTrue(verified.out().contains(newFingerprint) && verified.out().contains("matches the pinned fingerprint"), verified.out());
        // bob opens it with his new keys through the CLI, attachment included
        clientHome().makeCurrent(clientHome().profile("bob@sealpost.test"));
        CliResult inbox = cli("--json", "inbox", "--limit", "1");
        String id = JSON.readTree(inbox.out()).path("messages").get(0).path("id").asText();
        Path saved = home.resolve("bob-saved");
        CliResult read = cli("--json", "read", id, "--passphrase-file", bobsPassphrase.toString(), "--save-attachments", saved.toString());
        assertEquals(0, read.exitCode(), read.err());
        assertEquals("after the rotation", JSON.readTree(read.out()).path("subject").asText());
        assertEquals("verified", JSON.readTree(read.out()).path("signature").asText());
        assertTrue(java.util.Arrays.equals(attached, Files.readAllBytes(saved.resolve("minutes.bin"))), "the attachment came through whole, named");
        // filing through the CLI: flagged, into a folder of bob's own, archived, then into the trash
        assertEquals(0, cli("flag", id).exitCode());
        CliResult folders = cli("--json", "folders", "--create", "Receipts 2026");
        assertEquals(0, folders.exitCode(), folders.err());
        assertEquals(List.of("archive", "drafts", "inbox", "sent", "trash", "Receipts 2026"),
                JSON.convertValue(JSON.readTree(folders.out()), List.class));
        assertEquals(1, cli("folders", "--create", "receipts 2026").exitCode(), "a second folder of that name is refused");
        assertEquals(0, cli("move", id, "Receipts 2026").exitCode());
        assertEquals(id, JSON.readTree(cli("--json", "inbox", "--folder", "Receipts 2026").out()).path("messages").get(0).path("id").asText());
        assertEquals(0, cli("move", id, "archive").exitCode());
        JsonNode archived = JSON.readTree(cli("--json", "inbox", "--folder", "archive").out()).path("messages").get(0);
        assertEquals(id, archived.path("id").asText());
        assertTrue(archived.path("flagged").asBoolean() && archived.path("seen").asBoolean(), archived.toString());
        assertEquals(0, cli("delete", id).exitCode());
        assertEquals(id, JSON.readTree(cli("--json", "inbox", "--folder", "trash").out()).path("messages").get(0).path("id").asText());
        CliResult status = cli("--json", "status");
        assertEquals(0, status.exitCode(), status.err());
        assertEquals("bob@sealpost.test", JSON.readTree(status.out()).path("address").asText());
        assertTrue(JSON.readTree(status.out()).path("usedBytes").asLong() > attached.length, status.out());
        // a lost key file: the passphrase-wrapped backup at key-service brings the same keys back
        String before = JSON.readTree(cli("--json", "keys", "show", "--passphrase-file", bobsPassphrase.toString()).out()).path("fingerprint").asText();
        Files.delete(clientHome().profile("bob@sealpost.test").directory().resolve("keys.sealed"));
        assertEquals(1, cli("keys", "show", "--passphrase-file", bobsPassphrase.toString()).exitCode());
        CliResult restored = cli("keys", "restore", "--passphrase-file", bobsPassphrase.toString());
        assertEquals(0, restored.exitCode(), restored.err());
        CliResult shown = cli("--json", "keys", "show", "--passphrase-file", bobsPassphrase.toString());
        assertEquals(before, JSON.readTree(shown.out()).path("fingerprint").asText());
        assertTrue(JSON.readTree(shown.out()).path("directoryMatches").asBoolean(), shown.out());
    }

    @Test
    @Order(15)
    void bccStaysHiddenRepliesThreadForwardsCarryAttachmentsAndTheInboxShowsVerifiedSubjects() throws Exception {
        for (String user : List.of("alice", "bob", "carol")) {
            signedIn(user);
        }
        Path alicesPassphrase = secretFile("alice.key", keyPassphrase("alice"));
        Path bobsPassphrase = secretFile("bob.key", keyPassphrase("bob"));
        Path carolsPassphrase = secretFile("carol.key", keyPassphrase("carol"));
        Path memo = home.resolve("memo\u202Etxt.exe");
        Files.writeString(memo, "board memo");
        Path text = secretFile("memo-body.txt", "Please review before Friday.".toCharArray());
        String subject = "Board memo " + CANARY;
        clientHome().makeCurrent(clientHome().profile("alice@sealpost.test"));
        CliResult sent = cli("--json", "send", "--to", "bob@sealpost.test", "--bcc", "carol@acme.test", "--subject", subject,
                "--body-file", text.toString(), "--attach", memo.toString(), "--passphrase-file", alicesPassphrase.toString());
        assertEquals(0, sent.exitCode(), sent.err());
        assertEquals(2, JSON.readTree(sent.out()).path("recipients").asInt(), "bob's copy and carol's own copy");

        // bob's inbox verifies the head: subject, signed sender, attachment names, without the body
        clientHome().makeCurrent(clientHome().profile("bob@sealpost.test"));
        JsonNode inbox = JSON.readTree(cli("--json", "inbox", "--limit", "5", "--passphrase-file", bobsPassphrase.toString()).out());
        JsonNode head = inbox.path("heads").get(0);
        assertTrue(head.path("verified").asBoolean(), head.toString());
        assertEquals(subject, head.path("subject").asText());
        assertEquals("alice@sealpost.test", head.path("from").asText());
        assertEquals("memo\u202Etxt.exe", head.path("attachments").get(0).asText(), "the name as the sender gave it");
        String bobsCopy = head.path("id").asText();
        Path bobSaved = home.resolve("bob-memo");
        JsonNode bobRead = JSON.readTree(cli("--json", "read", bobsCopy, "--passphrase-file", bobsPassphrase.toString(),
                "--save-attachments", bobSaved.toString()).out());
        assertEquals(List.of("bob@sealpost.test"), JSON.convertValue(bobRead.path("to"), List.class));
        assertEquals(List.of(), JSON.convertValue(bobRead.path("bcc"), List.class), "bob learns nothing of carol");
        assertFalse(bobRead.toString().contains("carol"), bobRead.toString());
        try (var files = Files.list(bobSaved)) {
            assertEquals(List.of("memotxt.exe"), files.map(file -> file.getFileName().toString()).toList(), "the bidi override is gone");
        }

        // carol's own copy names the To recipient and her alone
        clientHome().makeCurrent(clientHome().profile("carol@acme.test"));
        String carolsCopy = JSON.readTree(cli("--json", "inbox", "--limit", "5", "--passphrase-file", carolsPassphrase.toString()).out())
                .path("heads").get(0).path("id").asText();
        JsonNode carolRead = JSON.readTree(cli("--json", "read", carolsCopy, "--passphrase-file", carolsPassphrase.toString()).out());
        assertEquals(subject, carolRead.path("subject").asText());
        assertEquals(List.of("bob@sealpost.test"), JSON.convertValue(carolRead.path("to"), List.class));
        assertEquals(List.of("carol@acme.test"), JSON.convertValue(carolRead.path("bcc"), List.class));
        assertEquals(bobRead.path("messageId").asText(), carolRead.path("messageId").asText(), "one message, two copies");

        // bob replies to all: alice only (carol was blind), threaded on the signed message id
        clientHome().makeCurrent(clientHome().profile("bob@sealpost.test"));
        Path reply = secretFile("reply.txt", "Reviewed, fine by me.".toCharArray());
        CliResult replied = cli("reply", bobsCopy, "--all", "--body-file", reply.toString(), "--passphrase-file", bobsPassphrase.toString());
        assertEquals(0, replied.exitCode(), replied.err());
        Path note = secretFile("fwd.txt", "FYI".toCharArray());
        CliResult forwarded = cli("forward", bobsCopy, "--to", "carol@acme.test", "--body-file", note.toString(),
                "--passphrase-file", bobsPassphrase.toString());
        assertEquals(0, forwarded.exitCode(), forwarded.err());

        clientHome().makeCurrent(clientHome().profile("alice@sealpost.test"));
        JsonNode alicesHead = JSON.readTree(cli("--json", "inbox", "--limit", "1", "--passphrase-file", alicesPassphrase.toString()).out())
                .path("heads").get(0);
        assertEquals("Re: " + subject, alicesHead.path("subject").asText());
        assertTrue(alicesHead.path("reply").asBoolean());
        JsonNode alicesRead = JSON.readTree(cli("--json", "read", alicesHead.path("id").asText(), "--passphrase-file",
                alicesPassphrase.toString()).out());
        assertEquals(bobRead.path("messageId").asText(), alicesRead.path("inReplyTo").asText());
        assertEquals(List.of("alice@sealpost.test"), JSON.convertValue(alicesRead.path("to"), List.class));
        assertEquals(List.of(), JSON.convertValue(alicesRead.path("cc"), List.class));
        assertTrue(alicesRead.path("body").asText().contains("> Please review before Friday."), alicesRead.toString());

        clientHome().makeCurrent(clientHome().profile("carol@acme.test"));
        JsonNode carolsHead = JSON.readTree(cli("--json", "inbox", "--limit", "1", "--passphrase-file", carolsPassphrase.toString()).out())
                .path("heads").get(0);
        assertEquals("Fwd: " + subject, carolsHead.path("subject").asText());
        assertEquals("bob@sealpost.test", carolsHead.path("from").asText());
        Path carolSaved = home.resolve("carol-forwarded");
        JsonNode carolsForward = JSON.readTree(cli("--json", "read", carolsHead.path("id").asText(), "--passphrase-file",
                carolsPassphrase.toString(), "--save-attachments", carolSaved.toString()).out());
        assertTrue(carolsForward.path("body").asText().contains("From: alice@sealpost.test"), carolsForward.toString());
        assertEquals("board memo", Files.readString(carolSaved.resolve("memotxt.exe")));
    }

    @Test
    @Order(16)
    void aDeviceSignInApprovedInTheBrowserCarriesBothFactorsThroughTheGateway() throws Exception {
        Sealpost carol = Sealpost.forAddress(clientSettings(), new ClientHome(home.resolve("device-client")), "carol@acme.test");
        DeviceAuthorization device = carol.startDeviceSignIn();
        assertTrue(device.userCode().length() >= 8 && device.verificationUriComplete().contains(device.userCode()), device.toString());
        java.util.concurrent.ExecutorService polling = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Object> signIn = polling.submit(() -> {
                carol.completeDeviceSignIn(device);
                return null;
            });
            freshTotp("carol"); // the browser below types a code of a window carol has not used
            BrowserApproval.approve(device.verificationUriComplete(), "carol", DEMO_USERS.get("carol")[1],
                    DEMO_USERS.get("carol")[2].getBytes(StandardCharsets.UTF_8));
            signIn.get(60, TimeUnit.SECONDS);
        } finally {
            polling.shutdownNow();
        }
        // the gateway requires the second factor from the token's amr: the browser sign-in proved both
        assertEquals("carol@acme.test", carol.mail().quota().address());
        // and a refreshed token still carries it (the amr reference lives as long as the session)
        dev.sealpost.client.auth.Tokens first = carol.profile().session().orElseThrow();
        carol.profile().storeSession(new dev.sealpost.client.auth.Tokens(first.accessToken(), first.refreshToken(),
                java.time.Instant.now().minusSeconds(1), first.refreshExpiresAt()));
        assertEquals("carol@acme.test", carol.mail().quota().address());
        assertFalse(first.accessToken().equals(carol.profile().session().orElseThrow().accessToken()), "the SDK refreshed the token");
    }

    /**
     * Issue 28, finding 10: disabling a user ends none of their sessions in Keycloak and sends no
     * back-channel logout; the gateway reads the realm's stored admin events and refuses the user's
     * tokens within seconds. Enabled again, the user signs in anew and is let through.
     */
    @Test
    @Order(17)
    void aDisabledUsersTokensAreRefusedWithinSeconds() throws Exception {
        String keycloak = "http://localhost:" + PORTS.get("KEYCLOAK");
        String quota = "http://127.0.0.1:" + PORTS.get("GATEWAY") + "/api/mail/quota";
        String run = "disabled-" + System.nanoTime() + "-";
        String dave = signInWithSecondFactor("dave", "acme");
        assertEquals(200, send(quota, dave, run + "before").statusCode());
        String user = keycloak + "/admin/realms/acme/users/" + new CraftedTokens(dave).claims().path("sub").asText();
        try {
            assertEquals(204, setEnabled(user, false).statusCode());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                    .until(() -> send(quota, dave, run + "after").statusCode() == 401);
        } finally {
            assertEquals(204, setEnabled(user, true).statusCode());
        }
        assertEquals(401, send(quota, dave, run + "after").statusCode(), "the tokens from before stay refused");
        assertEquals(200, send(quota, signInWithSecondFactor("dave", "acme"), run + "again").statusCode(), "a new sign-in is let through");
        List<JsonNode> refusals = StackEvents.matching(PORTS.get("KAFKA"), event -> event.path("requestId").asText().equals(run + "after")
                && "SIGN_IN_FAILED".equals(event.path("type").asText()), 1);
        assertEquals("session_ended", refusals.get(0).path("reason").asText(), refusals.toString());
    }

    private static HttpResponse<String> setEnabled(String user, boolean enabled) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(user)).header("Authorization", "Bearer " + keycloakAdminToken())
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\": " + enabled + "}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Issue 28, finding 10: the gateway's Swagger UI said "Failed to load API definition" in a browser,
     * and nothing loaded the page. A real Chromium runs its scripts; the operations of all three
     * services appear, from the aggregated document, not the gateway's own.
     */
    @Test
    @Order(18)
    void theSwaggerUiInABrowserListsTheOperationsOfEveryService() throws Exception {
        String dom = HeadlessChromium.renderedDom("http://127.0.0.1:" + servicePort("gateway") + "/q/swagger-ui/",
                Duration.ofSeconds(20), home);
        assertFalse(dom.contains("Failed to load"), dom);
        assertTrue(dom.contains("class=\"title\">Sealpost API"), "the aggregated document's title: " + dom);
        java.util.Set<String> paths = new java.util.TreeSet<>();
        java.util.regex.Matcher path = java.util.regex.Pattern.compile("data-path=\"([^\"]+)\"").matcher(dom);
        while (path.find()) {
            paths.add(path.group(1));
        }
        for (String service : List.of("/api/keys/", "/api/mail/", "/api/audit/")) {
            assertTrue(paths.stream().anyMatch(operation -> operation.startsWith(service)), service + " in " + paths);
        }
        assertTrue(paths.stream().allMatch(operation -> operation.startsWith("/api/")), "only public operations: " + paths);
    }

    @Test
    @Order(19)
    void theReadmeDemoWorksAsWritten() throws Exception {
        // the demo signs alice and bob in itself: wait for TOTP windows they have not used
        freshTotp("alice");
        freshTotp("bob");
        Result demo = sealpost(Duration.ofMinutes(3), "cli", "demo");
        assertEquals(0, demo.exitCode(), demo.output());
        assertTrue(demo.output().contains("bob opened it") && demo.output().contains("signature verified"), demo.output());
        assertTrue(demo.output().contains("MESSAGE_RECEIVED"), "the delivery shows in bob's log: " + demo.output());
        Result help = sealpost(Duration.ofMinutes(1), "cli", "--help");
        assertEquals(0, help.exitCode(), help.output());
        for (String command : List.of("login", "logout", "keys", "send", "inbox", "read", "flag", "move", "delete", "log", "audit", "status", "demo")) {
            assertTrue(help.output().contains(command), command + " in --help: " + help.output());
        }
    }

    @Test
    @Order(20)
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
        TOTP_WINDOW_USED.put(user, java.time.Instant.now().getEpochSecond() / 30);
        Result token = sealpost(Duration.ofMinutes(1), "token", user);
        TOTP_WINDOW_USED.put(user, java.time.Instant.now().getEpochSecond() / 30);
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
        // PostgreSQL's settings from a developer's shell would change what everyComponentIsRunningAndReady checks
        builder.environment().keySet().removeIf(name -> name.startsWith("SEALPOST_PG_"));
        builder.environment().put("SEALPOST_HOME", home.toString());
        PORTS.forEach((name, port) -> builder.environment().put("SEALPOST_" + name + "_PORT", String.valueOf(port)));
        // the services inherit these: load through the gateway (the rate limits have their own tests in the
        // gateway module), and a next signing key that may be activated 20 s after it was published
        builder.environment().put("SEALPOST_RATE_LIMIT_PER_IP", "100000000");
        builder.environment().put("SEALPOST_RATE_LIMIT_PER_USER", "100000000");
        builder.environment().put("SEALPOST_KEY_PUBLISH_AHEAD", "20s");
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
