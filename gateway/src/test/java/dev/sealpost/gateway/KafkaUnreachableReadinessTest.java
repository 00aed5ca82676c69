package dev.sealpost.gateway;

import dev.sealpost.testing.PostgresAndKafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** A service that cannot record security events must drop out of traffic, yet stay alive. */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "gateway"),
        @ResourceArg(name = "kafka", value = PostgresAndKafkaResource.KAFKA_UNREACHABLE)})
class KafkaUnreachableReadinessTest {

    @Test
    void readinessIsDownWhileTheEventTopicCannotBeReached() {
        given().when().get("/q/health/ready")
                .then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Kafka topic for security events' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'Reactive PostgreSQL connections health check' }.status", equalTo("UP"));
    }

    @Test
    void livenessStaysUpSoKubernetesDoesNotRestartIt() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }
}
