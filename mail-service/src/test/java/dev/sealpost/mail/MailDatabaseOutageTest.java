package dev.sealpost.mail;

import dev.sealpost.testing.DatabaseFaults;
import dev.sealpost.testing.ManagementInterface;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.TestPassportIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding 9 of issue 28, on the real embedded PostgreSQL: stopped (connections refused and ended) every
 * request was a 500; frozen (SIGSTOP) requests waited until it came back and readiness took ~15 s. Now
 * both are a 503 problem with Retry-After within the deadline (here 2 s), readiness answers DOWN within a
 * second, and the service serves again as soon as the database is back.
 */
@QuarkusTest
@TestProfile(MailDatabaseOutageTest.ShortDeadline.class)
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "mail"), @ResourceArg(name = "passportAudience", value = "mail-service")})
class MailDatabaseOutageTest {

    private static final long DEADLINE_MILLIS = 2_000;

    public static class ShortDeadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sealpost.requests.deadline", DEADLINE_MILLIS + "ms", "sealpost.requests.retry-after", "7s");
        }
    }

    private static Response folders() {
        String passport = TestPassportIssuer.get().passport("consumer", "u-outage", "outage@sealpost.test", "mail-service");
        return given().header("Authorization", "Bearer " + passport).get("/api/mail/folders");
    }

    private static void assertUnavailable(Response response, long elapsedMillis) {
        assertEquals(503, response.statusCode(), response.asString());
        assertEquals("7", response.header("Retry-After"));
        assertEquals("application/problem+json", response.contentType());
        assertEquals(503, response.jsonPath().getInt("status"));
        assertTrue(elapsedMillis < DEADLINE_MILLIS + 1_500, "answered after " + elapsedMillis + " ms");
    }

    /** Readiness answers within a second, and says the database is DOWN. */
    private static void assertReadinessSaysDatabaseDown() {
        long started = System.nanoTime();
        Response ready = ManagementInterface.given().get("/q/health/ready");
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, ready.statusCode(), ready.asString());
        assertEquals("DOWN", ready.jsonPath().getString("checks.find { it.name == 'PostgreSQL' }.status"));
        assertTrue(elapsedMillis < 1_000, "readiness answered after " + elapsedMillis + " ms");
    }

    @Test
    void aStoppedDatabaseIsA503WithRetryAfterAtOnce() throws Exception {
        String database = DatabaseFaults.database();
        assertEquals(200, folders().statusCode());
        DatabaseFaults.takeAway(database);
        try {
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                Response response = folders();
                assertUnavailable(response, (System.nanoTime() - started) / 1_000_000);
            }
            assertReadinessSaysDatabaseDown();
        } finally {
            DatabaseFaults.bringBack(database);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> folders().statusCode() == 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> ManagementInterface.given().get("/q/health/ready").statusCode() == 200);
    }

    @Test
    void aFrozenDatabaseIsA503WithinTheDeadlineAndReadinessStillAnswers() throws Exception {
        assertEquals(200, folders().statusCode());
        try (DatabaseFaults.Frozen frozen = DatabaseFaults.freeze()) {
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                Response response = folders();
                long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
                assertUnavailable(response, elapsedMillis);
                assertTrue(elapsedMillis >= DEADLINE_MILLIS - 100, "the database was frozen, yet it answered in " + elapsedMillis + " ms");
            }
            assertReadinessSaysDatabaseDown();
            assertReadinessSaysDatabaseDown();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> folders().statusCode() == 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> ManagementInterface.given().get("/q/health/ready").statusCode() == 200);
    }
}
