package dev.sealpost.gateway;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.testing.KeyServiceProcessResource;
import dev.sealpost.testing.ManagementInterface;
import dev.sealpost.testing.KafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routing to the real key-service (its packaged application): the public JWKS goes through
 * unchanged and without credentials; protected routes refuse a request without a valid token
 * before anything reaches a service; body limits are applied from Content-Length.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = KeyServiceProcessResource.class, initArgs = @ResourceArg(name = "urlProperty",
        value = "sealpost.gateway.upstreams.key-service"))
class GatewayRoutingTest {

    private static String keyService() {
        return ConfigProvider.getConfig().getValue("sealpost.gateway.upstreams.key-service", String.class);
    }

    @Test
    void theTenantsPublicKeysPassThroughUnchangedWithARequestId() {
        String path = "/api/keys/tenants/consumer/jwks/passport";
        await().atMost(Duration.ofSeconds(30)).until(() -> given().baseUri(keyService()).get(path).statusCode() == 200);
        String direct = given().baseUri(keyService()).get(path).then().statusCode(200).extract().asString();
        String proxied = given().header("X-Request-Id", "trace-me-42").get(path).then().statusCode(200)
                .header("X-Request-Id", "trace-me-42").extract().asString();
        assertEquals(direct, proxied);
        String generated = given().header("X-Request-Id", "bad id with spaces").get(path).then().statusCode(200).extract().header("X-Request-Id");
        assertEquals(36, generated.length(), "an unusable request id is replaced: " + generated);
        // a client's credential is not forwarded on public routes
        given().header("Authorization", "Bearer whatever").get(path).then().statusCode(200);
    }

    @Test
    void oneApiDocumentOfTheServicesAndASwaggerUiReadingIt() {
        // the real key-service answers; mail- and audit-service do not run in this test and are named as missing
        var document = given().get("/openapi").then().statusCode(200).contentType("application/json").extract().jsonPath();
        assertEquals("Sealpost API", document.getString("info.title"));
        Map<String, Object> paths = document.getMap("paths");
        assertTrue(paths.keySet().stream().anyMatch(path -> path.startsWith("/api/keys/")), paths.keySet().toString());
        assertTrue(paths.keySet().stream().allMatch(path -> path.startsWith("/api/")), "only public paths: " + paths.keySet());
        assertTrue(document.getString("info.description").contains("mail-service"), document.getString("info.description"));
        String ui = given().get("/q/swagger-ui/").then().statusCode(200).contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'")).extract().asString();
        assertTrue(ui.contains("url: '/openapi'"), "the UI reads the merged document, not the gateway's own: " + ui);
    }

    /**
     * Finding 6 of issue 28: health and metrics answered on the public port to anyone, and the metrics'
     * uri tags carried raw paths with addresses and message ids.
     */
    @Test
    void internalsAreOnTheManagementPortAndMetricsCarryRouteTemplatesOnly() {
        for (String internal : new String[] {"/q/metrics", "/q/health", "/q/health/ready", "/q/health/live"}) {
            given().get(internal).then().statusCode(404);
        }
        given().get("/api/keys/directory/alice%40sealpost.test").then().statusCode(401);
        given().get("/api/mail/messages/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b").then().statusCode(401);
        given().get("/no/such/thing/bob%40sealpost.test").then().statusCode(404);
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> requestLines = metrics.lines().filter(line -> line.startsWith("http_server_requests_seconds_count{")).toList();
        assertTrue(requestLines.stream().anyMatch(line -> line.contains("uri=\"/api/keys/*\"")), String.join("\n", requestLines));
        assertTrue(requestLines.stream().anyMatch(line -> line.contains("uri=\"/api/mail/*\"")), String.join("\n", requestLines));
        for (String raw : new String[] {"alice", "%40", "bob", "0193a1b2", "/api/keys/directory"}) {
            assertFalse(metrics.contains(raw), raw + " in the metrics");
        }
        ManagementInterface.given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void everyAnswerCarriesTheSecurityHeadersProxiedOrNot() {
        for (var response : new io.restassured.response.Response[] {given().get("/api/keys/tenants/consumer/jwks/passport"),
                given().get("/api/mail/quota"), given().get("/openapi")}) {
            response.then().header("X-Content-Type-Options", "nosniff").header("X-Frame-Options", "DENY")
                    .header("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
                    .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        }
    }

    private static String unsignedToken(String issuer) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"none\"}".getBytes()) + "." + base64.encodeToString(("{\"iss\":\"" + issuer
                + "\",\"sub\":\"x\",\"aud\":\"sealpost-gateway\",\"typ\":\"Bearer\"}").getBytes()) + ".";
    }

    @Test
    void protectedRoutesNeedAValidTokenAndAnswerWithAProblem() {
        for (String path : new String[] {"/api/mail/quota", "/api/audit/me/events", "/api/keys/directory/alice@sealpost.test"}) {
            given().get(path).then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
            given().header("Authorization", "Bearer not-a-token").get(path).then().statusCode(401);
            given().header("Authorization", "Bearer " + unsignedToken("https://evil.example/realms/consumer")).get(path).then()
                    .statusCode(401).contentType("application/problem+json");
        }
    }

    @Test
    void refusedTokensAreRecordedWithAReasonCategoryAndNeverTheToken() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String unsigned = unsignedToken("https://evil.example/realms/consumer");
        given().header("X-Request-Id", run + "-none").get("/api/mail/quota").then().statusCode(401);
        given().header("X-Request-Id", run + "-garbage").header("Authorization", "Bearer not-a-token").get("/api/mail/quota")
                .then().statusCode(401);
        given().header("X-Request-Id", run + "-unsigned").header("User-Agent", "crafted/1.0").header("Authorization", "Bearer " + unsigned)
                .get("/api/audit/me/events").then().statusCode(401);
        List<String> raw = SecurityEventsTopic.awaitRaw(event -> event.requestId() != null && event.requestId().startsWith(run), 3);
        assertEquals(3, raw.size(), "one event per refusal: " + raw);
        Map<String, String> reasonByRequest = new java.util.HashMap<>();
        for (String json : raw) {
            SecurityEvent event = dev.sealpost.events.SecurityEventCodec.fromJson(json);
            assertEquals(SecurityEventType.SIGN_IN_FAILED, event.type());
            assertEquals(SecurityEvent.UNATTRIBUTED_TENANT, event.tenant(), "an untrusted token names no tenant");
            assertEquals(SecurityEvent.Actor.UNVERIFIED, event.actor());
            assertEquals(null, event.owner(), "an untrusted token lands in nobody's own log");
            assertEquals("127.0.0.1", event.sourceIp());
            reasonByRequest.put(event.requestId().substring(run.length() + 1), event.reason());
            assertFalse(json.contains(unsigned.substring(0, 20)) || json.contains("not-a-token"), "no token in the event: " + json);
        }
        assertEquals(Map.of("none", "no_token", "garbage", "malformed", "unsigned", "unsigned"), reasonByRequest);
    }

    /**
     * Finding 5 of issue 28: one event per refused request let a flood of bad tokens fill the event
     * buffer. Forty garbage tokens from each of three addresses are forty refusals each, but only the
     * first ten per address become events of their own; the other thirty are one counting event per
     * address once the window (10 s in the tests) is over.
     */
    @Test
    void aFloodOfBadTokensCostsABoundedNumberOfEvents() throws Exception {
        // start right after a window opened, so that all 120 requests fall into one
        long window = ConfigProvider.getConfig().getValue("sealpost.gateway.events.refusal-window", Duration.class).toMillis();
        await().atMost(Duration.ofMillis(window + 1_000)).pollInterval(Duration.ofMillis(20))
                .until(() -> System.currentTimeMillis() % window < 500);
        // addresses no other test sends from, so their windows hold only these refusals
        String[] sources = {"127.0.0." + (100 + (int) (Math.random() * 50)), "127.0.0.151", "127.0.0.152"};
        for (String source : sources) {
            for (int i = 0; i < 40; i++) {
                dev.sealpost.testing.RawHttp.Answer answer = dev.sealpost.testing.RawHttp.sendFrom(source, io.restassured.RestAssured.port,
                        "GET", "/api/mail/quota", "Authorization: Bearer junk-" + UUID.randomUUID(), "User-Agent: flood/" + i);
                assertEquals(401, answer.status(), answer.head());
            }
        }
        java.util.Set<String> ours = java.util.Set.of(sources);
        List<SecurityEvent> events = SecurityEventsTopic.events(event -> ours.contains(event.sourceIp()), 33);
        assertEquals(33, events.size(), "ten events and one count per address: " + events.size());
        for (String source : sources) {
            List<SecurityEvent> from = events.stream().filter(event -> source.equals(event.sourceIp())).toList();
            assertEquals(11, from.size(), source);
            assertTrue(from.stream().allMatch(event -> event.type() == SecurityEventType.SIGN_IN_FAILED && "malformed".equals(event.reason())));
            List<SecurityEvent> counting = from.stream().filter(event -> event.requestId() == null).toList();
            assertEquals(1, counting.size(), source + ": " + from);
            assertTrue(counting.get(0).target().startsWith("route:mail-service window=") && counting.get(0).target().endsWith(" further=30"),
                    counting.get(0).target());
        }
    }

    @Test
    void aTokenOfARealmWhoseKeycloakIsDownIsNeitherLetThroughNorA500() {
        // the tests run no Keycloak: the consumer realm's provider is unreachable, so its tokens cannot be checked
        given().header("Authorization", "Bearer " + unsignedToken("http://localhost:18080/realms/consumer")).get("/api/mail/quota")
                .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "5");
    }

    /** Sends only the request head with this Content-Length (no body at all) and returns the status line. */
    private static String headOnly(String method, String path, long contentLength) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + contentLength + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void oversizedHeadersAndRequestLinesAreRefusedBeforeAnyRouting() throws Exception {
        // 16 KiB of headers and 4 KiB of request line at most (quarkus.http.limits, libs/service-common)
        given().header("X-Padding", "x".repeat(17 * 1024)).get("/api/keys/tenants/consumer/jwks/passport").then().statusCode(431);
        given().get("/api/keys/log/" + "x".repeat(5 * 1024)).then().statusCode(414);
    }

    @Test
    void bodyLimitsAreAppliedFromContentLengthBeforeAnyBodyIsRead() throws Exception {
        // the answer comes although not one byte of the announced body was sent
        assertEquals("HTTP/1.1 413 Request Entity Too Large", headOnly("POST", "/api/mail/messages", 25L * 1024 * 1024 + 1));
        assertEquals("HTTP/1.1 413 Request Entity Too Large", headOnly("PUT", "/api/keys/directory/alice@sealpost.test", 64 * 1024 + 1));
        given().header("Content-Type", "application/json").body(new byte[64 * 1024 + 1]).put("/api/keys/directory/alice@sealpost.test")
                .then().statusCode(413).contentType("application/problem+json");
    }
}
