package dev.sealpost.gateway;

import dev.sealpost.testing.ManagementInterface;
import dev.sealpost.testing.KeyServiceProcessResource;
import dev.sealpost.testing.LoopbackPorts;
import dev.sealpost.testing.KafkaResource;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Between the gateway and a service (the real key-service, behind a relay that can lose answers):
 * a safe request whose answer was lost is sent again, a request with a body never is; and the
 * gateway's spans carry the client's trace on to the service.
 */
@QuarkusTest
@TestProfile(UpstreamNetworkTest.BehindARelay.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(value = KeyServiceProcessResource.class, initArgs = @ResourceArg(name = "urlProperty",
        value = "sealpost.test.key-service-direct"))
class UpstreamNetworkTest {

    private static final String JWKS = "/api/keys/tenants/consumer/jwks/passport";
    private static final Pattern TRACEPARENT = Pattern.compile("(?im)^traceparent: 00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$");
    private static final long DEADLINE_MILLIS = 2_000;
    private static FaultyConnection relay;

    public static class BehindARelay implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sealpost.gateway.upstreams.key-service", "http://127.0.0.1:" + LoopbackPorts.findFree(),
                    "sealpost.requests.deadline", DEADLINE_MILLIS + "ms");
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void relayInFrontOfKeyService() throws Exception {
        if (relay == null) {
            var config = ConfigProvider.getConfig();
            URI direct = URI.create(config.getValue("sealpost.test.key-service-direct", String.class));
            await().atMost(Duration.ofSeconds(60)).until(() -> given().baseUri(direct.toString()).get(JWKS).statusCode() == 200);
            relay = new FaultyConnection(URI.create(config.getValue("sealpost.gateway.upstreams.key-service", String.class)).getPort(),
                    direct.getPort());
        }
        relay.loseNextAnswers(0);
        relay.holdNextAnswers(0);
        relay.forgetRequests();
    }

    @AfterAll
    static void stopRelay() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void aSafeRequestWhoseAnswerWasLostIsSentAgain() {
        String direct = given().baseUri(ConfigProvider.getConfig().getValue("sealpost.test.key-service-direct", String.class))
                .get(JWKS).then().statusCode(200).extract().asString();
        double retriesBefore = answerRetries();
        relay.loseNextAnswers(2);
        String proxied = given().get(JWKS).then().statusCode(200).extract().asString();
        assertEquals(direct, proxied, "the third attempt's answer, unchanged");
        assertEquals(3, relay.requestHeads().size(), "received twice without an answer, then answered: " + relay.requestHeads());
        assertEquals(retriesBefore + 2, answerRetries());

        relay.forgetRequests();
        relay.loseNextAnswers(3);
        given().get(JWKS).then().statusCode(502).contentType("application/problem+json").body("detail", equalTo("key-service gave no answer"));
        assertEquals(3, relay.requestHeads().size(), "the request and two retries, no more: " + relay.requestHeads());
    }

    @Test
    void aRequestWithABodyIsNeverSentTwice() {
        relay.loseNextAnswers(1);
        given().contentType("application/json").body("{\"probe\":true}").post("/api/keys/log/entries").then().statusCode(502)
                .contentType("application/problem+json");
        assertEquals(1, relay.requestHeads().size(), "sent once: " + relay.requestHeads());
        assertTrue(relay.requestHeads().get(0).startsWith("POST "), relay.requestHeads().get(0));
    }

    /** Finding 9 of issue 28: a hung service held the client until it answered; now the deadline answers 503. */
    @Test
    void aServiceThatTakesTheRequestAndHangsIsA503AtTheDeadline() {
        relay.holdNextAnswers(1);
        long started = System.nanoTime();
        given().get(JWKS).then().statusCode(503).contentType("application/problem+json").header("Retry-After", "5")
                .body("status", equalTo(503));
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(elapsedMillis >= DEADLINE_MILLIS - 100 && elapsedMillis < DEADLINE_MILLIS + 1_500, "answered after " + elapsedMillis + " ms");
        assertEquals(1, relay.requestHeads().size(), "the service received it once: " + relay.requestHeads());
        given().get(JWKS).then().statusCode(200);
    }

    @Test
    void theGatewaysSpansCarryTheClientsTraceToTheService() {
        String traceId = randomHex(16);
        String clientSpan = randomHex(8);
        given().header("traceparent", "00-" + traceId + "-" + clientSpan + "-01").get(JWKS).then().statusCode(200);

        List<String> heads = relay.requestHeads();
        assertEquals(1, heads.size(), heads.toString());
        Matcher sent = TRACEPARENT.matcher(heads.get(0));
        assertTrue(sent.find(), "a traceparent went to the service: " + heads.get(0));
        assertEquals(traceId, sent.group(1), "the client's trace goes on");
        String spanSeenByService = sent.group(2);
        assertTrue(!sent.find(), "exactly one traceparent: " + heads.get(0));

        await().atMost(Duration.ofSeconds(10)).until(() -> spansOf(traceId).size() >= 2);
        SpanData server = spansOf(traceId).stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        SpanData upstream = spansOf(traceId).stream().filter(span -> span.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
        assertEquals(clientSpan, server.getParentSpanId(), "the gateway's span continues the client's");
        assertEquals(server.getSpanId(), upstream.getParentSpanId(), "the call to the service is a child of the request");
        assertEquals(upstream.getSpanId(), spanSeenByService, "the service is told the gateway's call span, not the client's");
    }

    private List<SpanData> spansOf(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static double answerRetries() {
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = Pattern.compile("sealpost_gateway_upstream_answer_retries_total\\{upstream=\"key-service\"} ([0-9.]+)").matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
