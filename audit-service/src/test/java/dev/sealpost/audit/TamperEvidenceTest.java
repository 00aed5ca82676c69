package dev.sealpost.audit;

import dev.sealpost.audit.service.ChainVerifier;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.SealpostInfrastructure;
import dev.sealpost.testing.TestPassportIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static dev.sealpost.audit.AuditTestSupport.rows;
import static dev.sealpost.audit.AuditTestSupport.superuser;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Changing, deleting or reordering a stored event as the database superuser is found at its exact position. */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "audit"), @ResourceArg(name = "passportAudience", value = "audit-service")})
class TamperEvidenceTest {

    @Inject
    ChainVerifier verifier;

    private static long count(String tenant) throws Exception {
        return rows("SELECT count(*) FROM audit_event WHERE tenant = '" + tenant + "'");
    }

    /** Ten events of a tenant of its own, stored through the real consumer. */
    private static String tenantWithTenEvents() throws Exception {
        String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                SecurityEvent event = SecurityEvent.of(SecurityEventType.MESSAGE_SENT, "mail-service").tenant(tenant)
                        .actor(new SecurityEvent.Actor("issuer", "user", null)).target("message:" + i).build();
                // one key: one partition, so the chain follows this order
                producer.send(new ProducerRecord<>("security-events", tenant, SecurityEventCodec.toJson(event))).get();
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> count(tenant) == 10);
        return tenant;
    }

    private ChainVerifier.Result verify(String tenant) {
        return verifier.verify(tenant, null, null).await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void anIntactChainVerifiesAndEveryKindOfTamperingIsNamed() throws Exception {
        String changed = tenantWithTenEvents();
        String deleted = tenantWithTenEvents();
        String reordered = tenantWithTenEvents();
        for (String tenant : new String[] {changed, deleted, reordered}) {
            ChainVerifier.Result intact = verify(tenant);
            assertTrue(intact.intact(), intact.toString());
            assertEquals(10, intact.checked());
        }
        try (Connection db = superuser()) {
            db.createStatement().execute("UPDATE audit_event SET payload = jsonb_set(payload, '{target}', '\"message:forged\"') "
                    + "WHERE tenant = '" + changed + "' AND seq = 5");
            db.createStatement().execute("DELETE FROM audit_event WHERE tenant = '" + deleted + "' AND seq = 6");
            db.createStatement().execute("UPDATE audit_event SET seq = CASE seq WHEN 3 THEN 4 ELSE 3 END "
                    + "WHERE tenant = '" + reordered + "' AND seq IN (3, 4)");
        }
        ChainVerifier.Result change = verify(changed);
        assertFalse(change.intact());
        assertEquals(5L, change.firstBrokenPosition(), change.toString());
        assertTrue(change.problem().contains("changed"));
        ChainVerifier.Result deletion = verify(deleted);
        assertEquals(6L, deletion.firstBrokenPosition(), deletion.toString());
        assertTrue(deletion.problem().contains("missing"));
        ChainVerifier.Result reorder = verify(reordered);
        assertEquals(3L, reorder.firstBrokenPosition(), reorder.toString());
        // a range after the damage still checks out on its own
        assertTrue(verifier.verify(changed, 6L, 10L).await().atMost(Duration.ofSeconds(10)).intact());
    }

    @Test
    void theVerifyEndpointIsForSocAnalystsOfTheirOwnTenant() {
        String analyst = TestPassportIssuer.get().passport("acme", "u-soc", "soc@acme.test", "audit-service", "soc-analyst");
        given().header("Authorization", "Bearer " + analyst).get("/api/audit/verify").then().statusCode(200)
                .body("tenant", equalTo("acme")).body("intact", equalTo(true));
        String user = TestPassportIssuer.get().passport("acme", "u-user", "user@acme.test", "audit-service");
        given().header("Authorization", "Bearer " + user).get("/api/audit/verify").then().statusCode(403);
        given().header("Authorization", "Bearer " + analyst).queryParam("from", 0).get("/api/audit/verify").then().statusCode(400);
    }
}
