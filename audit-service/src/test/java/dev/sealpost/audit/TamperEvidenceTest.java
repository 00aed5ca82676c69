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

    /**
     * The insider attack of issue 28: as the database superuser, move one of bob's sign-ins out of his
     * own log by changing only its owner and actor columns, and file another under a false source
     * address by changing only its address columns. The payload (and so its hash) stays as it was,
     * yet the verifier names both rows and the columns.
     */
    @Test
    void aQueriedColumnChangedOutsideTheChainIsFoundAtItsPosition() throws Exception {
        // a tenant the test passports can sign for; bob is new, so his rows are only these six
        String tenant = "acme";
        String bob = "bob-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 6; i++) {
                SecurityEvent.Actor actor = new SecurityEvent.Actor("issuer", bob, "bob@acme.test");
                SecurityEvent event = SecurityEvent.of(SecurityEventType.SIGN_IN_SUCCEEDED, "gateway").tenant(tenant)
                        .actor(actor).owner(actor).sourceIp("203.0.113." + (i + 1)).build();
                producer.send(new ProducerRecord<>("security-events", tenant, SecurityEventCodec.toJson(event))).get();
            }
        }
        String bobs = "FROM audit_event WHERE tenant = 'acme' AND actor_subject = '" + bob + "'";
        await().atMost(Duration.ofSeconds(30)).until(() -> rows("SELECT count(*) " + bobs) == 6);
        long first = rows("SELECT min(seq) " + bobs);
        long last = rows("SELECT max(seq) " + bobs);
        String bobsPassport = "Bearer " + TestPassportIssuer.get().passport(tenant, bob, "bob@acme.test", "audit-service");
        given().header("Authorization", bobsPassport).get("/api/audit/me/events").then().statusCode(200).body("events.size()", equalTo(6));
        assertTrue(verifier.verify(tenant, first, last).await().atMost(Duration.ofSeconds(30)).intact());

        long hiddenRow = rows("SELECT seq " + bobs + " AND source_ip = '203.0.113.2'");
        long misfiledRow = rows("SELECT seq " + bobs + " AND source_ip = '203.0.113.4'");
        try (Connection db = superuser()) {
            db.createStatement().execute("UPDATE audit_event SET owner_subject = 'someone-else', actor_subject = 'someone-else' "
                    + "WHERE tenant = 'acme' AND seq = " + hiddenRow);
            db.createStatement().execute("UPDATE audit_event SET source_ip = '198.51.100.9', source_inet = '198.51.100.9' "
                    + "WHERE tenant = 'acme' AND seq = " + misfiledRow);
        }
        // the attack works on the queries: the row left bob's own log
        given().header("Authorization", bobsPassport).get("/api/audit/me/events").then().statusCode(200).body("events.size()", equalTo(5));
        // and the verifier catches it at the changed row, naming what changed
        ChainVerifier.Result hidden = verifier.verify(tenant, first, last).await().atMost(Duration.ofSeconds(30));
        assertFalse(hidden.intact(), hidden.toString());
        assertEquals(hiddenRow, hidden.firstBrokenPosition(), hidden.toString());
        assertTrue(hidden.problem().contains("actor_subject") && hidden.problem().contains("owner_subject"), hidden.problem());
        ChainVerifier.Result misfiled = verifier.verify(tenant, hiddenRow + 1, last).await().atMost(Duration.ofSeconds(30));
        assertEquals(misfiledRow, misfiled.firstBrokenPosition(), misfiled.toString());
        assertTrue(misfiled.problem().contains("source_ip") && misfiled.problem().contains("source_inet"), misfiled.problem());
        // repair, so that the acme chain other tests verify holds again
        try (Connection db = superuser()) {
            db.createStatement().execute("UPDATE audit_event SET owner_subject = '" + bob + "', actor_subject = '" + bob + "' "
                    + "WHERE tenant = 'acme' AND seq = " + hiddenRow);
            db.createStatement().execute("UPDATE audit_event SET source_ip = '203.0.113.4', source_inet = '203.0.113.4' "
                    + "WHERE tenant = 'acme' AND seq = " + misfiledRow);
        }
        assertTrue(verifier.verify(tenant, first, last).await().atMost(Duration.ofSeconds(30)).intact());
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
