package dev.sealpost.gateway;

import dev.sealpost.testing.ManagementInterface;
import dev.sealpost.testing.KafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service that cannot record security events must drop out of traffic, yet stay alive; the
 * gateway, once its event buffer is full, refuses requests rather than serve them unrecorded.
 */
@QuarkusTest
@TestProfile(KafkaUnreachableReadinessTest.TinyEventBuffer.class)
@WithTestResource(value = KafkaResource.class, initArgs = @ResourceArg(name = "kafka", value = KafkaResource.KAFKA_UNREACHABLE))
class KafkaUnreachableReadinessTest {

    public static class TinyEventBuffer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sealpost.gateway.events.buffer-capacity", "2");
        }
    }

    @Test
    void withTheEventBufferFullRequestsAreRefusedWith503NotServedUnrecorded() {
        // each refused token is an event that Kafka cannot take: after a few the buffer is full
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6 && !statuses.contains(503); i++) {
            statuses.add(given().header("Authorization", "Bearer not-a-token").get("/api/mail/quota").statusCode());
        }
        assertEquals(503, statuses.get(statuses.size() - 1), "statuses " + statuses);
        assertTrue(statuses.subList(0, statuses.size() - 1).stream().allMatch(status -> status == 401), "statuses " + statuses);
        // full: every route answers 503 with a problem and Retry-After, the public ones included
        given().get("/api/keys/tenants/consumer/jwks/passport").then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", "5").body("detail", containsString("security events"));
        // what the alert compares (deploy/k8s PrometheusRule SealpostGatewayEventBufferFull): the fill level and the capacity
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("sealpost_gateway_events_buffered 2.0"), metrics);
        assertTrue(metrics.contains("sealpost_gateway_events_buffer_capacity 2.0"), metrics);
    }

    @Test
    void readinessIsDownWhileTheEventTopicCannotBeReached() {
        ManagementInterface.given().when().get("/q/health/ready")
                .then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Kafka topic for security events' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'PostgreSQL' }", org.hamcrest.Matchers.nullValue()); // the gateway has no database
    }

    @Test
    void livenessStaysUpSoKubernetesDoesNotRestartIt() {
        ManagementInterface.given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
