package dev.sealpost.gateway;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.testing.KeyServiceProcessResource;
import dev.sealpost.testing.KafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-address limit: five requests a minute in this test, the sixth is a 429 problem with Retry-After. */
@QuarkusTest
@TestProfile(GatewayRateLimitTest.FivePerMinute.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(value = KeyServiceProcessResource.class, initArgs = @ResourceArg(name = "urlProperty",
        value = "sealpost.gateway.upstreams.key-service"))
class GatewayRateLimitTest {

    public static class FivePerMinute implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sealpost.gateway.rate-limits.per-ip.capacity", "5", "sealpost.gateway.rate-limits.per-ip.period", "1m");
        }
    }

    @Test
    void theSixthRequestOfAnAddressWithinAMinuteIsRefusedWithRetryAfter() {
        String path = "/api/keys/tenants/acme/jwks/audit";
        for (int i = 0; i < 5; i++) {
            int status = given().get(path).statusCode();
            assertTrue(status != 429, "request " + (i + 1) + " is within the limit");
        }
        // the same limit, and the same event, on the gateway's own public route
        String retryAfter = given().get("/openapi").then().statusCode(429).contentType("application/problem+json")
                .body("status", equalTo(429)).extract().header("Retry-After");
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds >= 1 && seconds <= 60, "Retry-After " + retryAfter);
        // the limit applies before any token is looked at
        given().header("Authorization", "Bearer whatever").get("/api/mail/quota").then().statusCode(429);
        given().get(path).then().statusCode(429).contentType("application/problem+json");
        // three refusals, one event a minute for this address (two if the minute turned meanwhile)
        List<SecurityEvent> limited = SecurityEventsTopic.events(event -> event.type() == SecurityEventType.REQUEST_RATE_LIMITED, 1);
        assertTrue(limited.size() == 1 || limited.size() == 2, "events: " + limited);
        assertEquals("rate_limited", limited.get(0).reason());
        assertEquals("limit:per-ip route:openapi", limited.get(0).target(), "the first refusal's event");
        assertEquals(SecurityEvent.UNATTRIBUTED_TENANT, limited.get(0).tenant());
    }
}
