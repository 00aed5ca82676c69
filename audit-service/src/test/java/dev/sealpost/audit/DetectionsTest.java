package dev.sealpost.audit;

import dev.sealpost.audit.service.Detections;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.events.UuidV7;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.TestPassportIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static dev.sealpost.audit.AuditTestSupport.produce;
import static dev.sealpost.audit.AuditTestSupport.rows;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The three detections raise one alert each, in the right log, and stay quiet below their thresholds. */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "audit"), @ResourceArg(name = "passportAudience", value = "audit-service")})
class DetectionsTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Inject
    Detections detections;

    private static SecurityEvent.Actor user(String name) {
        return new SecurityEvent.Actor(TestPassportIssuer.get().issuer("consumer"), "u-" + name + "-" + RUN, name + "@sealpost.test");
    }

    private static long count(String where) throws Exception {
        return rows("SELECT count(*) FROM audit_event WHERE " + where);
    }

    private static SecurityEvent failedSignIn(SecurityEvent.Actor actor, String address) {
        return SecurityEvent.of(SecurityEventType.SIGN_IN_FAILED, "gateway").tenant("consumer").actor(actor).failure("2fa_missing")
                .sourceIp(address).build();
    }

    @Test
    void tenFailedSignInsWithinFiveMinutesAlertOncePerUserAndPerAddress() throws Exception {
        SecurityEvent.Actor target = user("target");
        SecurityEvent.Actor almost = user("almost");
        String attacker = "192.0.2." + (10 + Math.abs(RUN.hashCode() % 200));
        List<SecurityEvent> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(failedSignIn(target, attacker));
        }
        for (int i = 0; i < 9; i++) {
            burst.add(failedSignIn(almost, "198.51.100." + i)); // nine, each from another address: below both thresholds
        }
        produce(burst);
        String userAlert = "type = 'ALERT_REPEATED_SIGN_IN_FAILURES' AND owner_subject = '" + target.subject() + "'";
        String addressAlert = "type = 'ALERT_REPEATED_SIGN_IN_FAILURES' AND payload->>'target' LIKE 'address " + attacker + ":%'";
        await().atMost(Duration.ofSeconds(30)).until(() -> count(userAlert) == 1 && count(addressAlert) == 1);

        produce(List.of(failedSignIn(target, attacker), failedSignIn(target, attacker), failedSignIn(almost, "198.51.100.77")));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("actor_subject = '" + almost.subject() + "'") == 10);
        // the second burst is inside the same window: no new alert; ten for "almost" now, but from ten addresses
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
        assertEquals(1, count(userAlert));
        assertEquals(1, count(addressAlert));
        assertEquals(1, count("type = 'ALERT_REPEATED_SIGN_IN_FAILURES' AND owner_subject = '" + almost.subject() + "'"),
                "the tenth failure for 'almost' within five minutes alerts too");

        // the user finds the alert in their own log, without any role
        String passport = TestPassportIssuer.get().passport("consumer", target.subject(), target.address(), "audit-service");
        List<String> types = given().header("Authorization", "Bearer " + passport).queryParam("type", "ALERT_REPEATED_SIGN_IN_FAILURES")
                .get("/api/audit/me/events").then().statusCode(200).extract().jsonPath().getList("events.type", String.class);
        assertEquals(List.of("ALERT_REPEATED_SIGN_IN_FAILURES"), types);
    }

    @Test
    void aSignInFromANewAddressAlertsButNotTheFirstSignInOrAKnownAddress() throws Exception {
        SecurityEvent.Actor user = user("traveller");
        SecurityEvent home = SecurityEvent.of(SecurityEventType.SIGN_IN_SUCCEEDED, "gateway").tenant("consumer").actor(user)
                .sourceIp("203.0.113.10").build();
        SecurityEvent homeAgain = SecurityEvent.of(SecurityEventType.SIGN_IN_SUCCEEDED, "gateway").tenant("consumer").actor(user)
                .sourceIp("203.0.113.10").build();
        SecurityEvent abroad = SecurityEvent.of(SecurityEventType.SIGN_IN_SUCCEEDED, "gateway").tenant("consumer").actor(user)
                .sourceIp("2001:db8::77").build();
        produce(List.of(home, homeAgain));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("actor_subject = '" + user.subject() + "'") == 2);
        produce(List.of(abroad));
        String alert = "type = 'ALERT_SIGN_IN_FROM_NEW_IP' AND owner_subject = '" + user.subject() + "'";
        await().atMost(Duration.ofSeconds(30)).until(() -> count(alert) == 1);
        assertEquals(1, count(alert + " AND source_ip = '2001:db8::77'"));
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
        assertEquals(1, count("type = 'ALERT_SIGN_IN_FROM_NEW_IP' AND owner_subject = '" + user.subject() + "'"), "only the new address alerted");
    }

    @Test
    void aRotationThatDidNotHappenOnScheduleAlertsOnce() throws Exception {
        String purpose = "test" + RUN;
        Instant threeDaysAgo = Instant.now().minus(Duration.ofDays(3));
        SecurityEvent stale = new SecurityEvent(UuidV7.next(), threeDaysAgo, "acme", SecurityEvent.Actor.SYSTEM, null,
                SecurityEventType.SIGNING_KEY_ACTIVATED, purpose + "-key:kid-" + RUN, SecurityEvent.Outcome.SUCCESS, null, null, null, null,
                "key-service");
        SecurityEvent fresh = SecurityEvent.of(SecurityEventType.SIGNING_KEY_ACTIVATED, "key-service").tenant("consumer")
                .target("fresh" + RUN + "-key:kid").build();
        produce(List.of(stale, fresh));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("id IN ('" + stale.id() + "', '" + fresh.id() + "')") == 2);

        // the activity is recorded just after the events are stored; the scheduled check may run too, either way one alert
        await().atMost(Duration.ofSeconds(30)).until(() -> rows("SELECT count(*) FROM signing_key_activity WHERE purpose = '" + purpose + "'") == 1);
        detections.checkRotations().await().atMost(Duration.ofSeconds(10));
        String alert = "type = 'ALERT_SIGNING_KEY_ROTATION_OVERDUE' AND tenant = 'acme' AND payload->>'target' LIKE '" + purpose + " %'";
        await().atMost(Duration.ofSeconds(30)).until(() -> count(alert) == 1);
        assertEquals(0, detections.checkRotations().await().atMost(Duration.ofSeconds(10)), "the same gap alerts once");
        assertEquals(0, count("type = 'ALERT_SIGNING_KEY_ROTATION_OVERDUE' AND payload->>'target' LIKE 'fresh" + RUN + " %'"));
    }
}
