package dev.sealpost.gateway;

import dev.sealpost.testing.ManagementInterface;
import dev.sealpost.testing.LoopbackPorts;
import dev.sealpost.testing.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * key-service is down (nothing listens at its address): each request is a 503 problem with Retry-After (it
 * was a bare 502), and the circuit opens; while it is open, Retry-After is the time until it is tried again.
 */
@QuarkusTest
@TestProfile(UpstreamDownTest.KeyServiceDown.class)
@WithTestResource(KafkaResource.class)
class UpstreamDownTest {

    public static class KeyServiceDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sealpost.gateway.upstreams.key-service", "http://127.0.0.1:" + LoopbackPorts.findFree());
        }
    }

    @Test
    void aServiceThatCannotBeReachedIsA503ProblemAndOpensItsCircuit() {
        String metric = "sealpost_gateway_upstream_circuit_open{upstream=\"key-service\"}";
        ManagementInterface.given().get("/q/metrics").then().statusCode(200).body(containsString(metric + " 0.0"));
        for (int i = 0; i < 10; i++) {
            given().get("/api/keys/tenants/consumer/jwks/passport").then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", org.hamcrest.Matchers.anyOf(equalTo("5"), equalTo("10")))
                    .body("status", equalTo(503), "detail", containsString("key-service"));
        }
        // failed connections were tried again, until the breaker opened after ten failed attempts; it says so
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).body(containsString(metric + " 1.0")).extract().asString();
        java.util.regex.Matcher retries = java.util.regex.Pattern.compile(
                "sealpost_gateway_upstream_connect_retries_total\\{upstream=\"key-service\"} ([0-9.]+)").matcher(metrics);
        assertTrue(retries.find() && Double.parseDouble(retries.group(1)) >= 2, "connection retries: " + (retries.find(0) ? retries.group() : "none"));
        given().get("/api/keys/tenants/consumer/jwks/passport").then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", "10").body("detail", equalTo("key-service is unavailable"));
    }
}
