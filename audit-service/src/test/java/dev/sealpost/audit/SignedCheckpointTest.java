package dev.sealpost.audit;

import dev.sealpost.audit.service.ChainVerifier;
import dev.sealpost.audit.service.CheckpointSealer;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.testing.KeyServiceProcessResource;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.SealpostInfrastructure;
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

import static dev.sealpost.audit.AuditTestSupport.rows;
import static dev.sealpost.audit.AuditTestSupport.superuser;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints signed by the real key-service catch what the hash chain alone cannot: a superuser
 * who changes a row and recomputes every later hash, or who cuts rows off the end; and a stored
 * checkpoint cannot be adjusted to match.
 */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "audit"), @ResourceArg(name = "passportAudience", value = "audit-service")})
@WithTestResource(value = KeyServiceProcessResource.class, initArgs = {
        @ResourceArg(name = "urlProperty", value = "sealpost.audit.key-service.url"),
        @ResourceArg(name = "auditSecretProperty", value = "sealpost.audit.key-service.client-secret")})
class SignedCheckpointTest {

    @Inject
    ChainVerifier verifier;

    @Inject
    CheckpointSealer sealer;

    private static long count(String tenant) throws Exception {
        return rows("SELECT count(*) FROM audit_event WHERE tenant = '" + tenant + "'");
    }

    private static void tenEvents(String tenant) throws Exception {
        long before = count(tenant);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                SecurityEvent event = SecurityEvent.of(SecurityEventType.MESSAGE_SENT, "mail-service").tenant(tenant)
                        .actor(new SecurityEvent.Actor("issuer", "user", null)).target("message:" + i).build();
                producer.send(new ProducerRecord<>("security-events", tenant, SecurityEventCodec.toJson(event))).get();
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> count(tenant) == before + 10);
    }

    private ChainVerifier.Result verify(String tenant) {
        return verifier.verify(tenant, null, null).await().atMost(Duration.ofSeconds(30));
    }

    private void seal() {
        // key-service activates its first audit keys just after it starts
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> sealer.sealAll().await().atMost(Duration.ofSeconds(20)) >= 0);
    }

    @Test
    void aRewriteWithRecomputedHashesIsCaughtByTheSignedCheckpoint() throws Exception {
        tenEvents("acme");
        seal();
        ChainVerifier.Result sealed = verify("acme");
        assertTrue(sealed.intact(), sealed.toString());
        assertTrue(sealed.checkpointsVerified() >= 1, sealed.toString());
        long head = sealed.to();

        try (Connection db = superuser()) {
            db.createStatement().execute("""
                    DO $$ DECLARE r RECORD; prev BYTEA; BEGIN
                      UPDATE audit_event SET payload = jsonb_set(payload, '{target}', '"message:forged"') WHERE tenant = 'acme' AND seq = 4;
                      SELECT hash INTO prev FROM audit_event WHERE tenant = 'acme' AND seq = 3;
                      FOR r IN SELECT seq, payload FROM audit_event WHERE tenant = 'acme' AND seq >= 4 ORDER BY seq LOOP
                        UPDATE audit_event SET prev_hash = prev, hash = sha256(prev || convert_to(r.payload::text, 'UTF8'))
                          WHERE tenant = 'acme' AND seq = r.seq;
                        SELECT hash INTO prev FROM audit_event WHERE tenant = 'acme' AND seq = r.seq;
                      END LOOP;
                      UPDATE audit_chain_head SET hash = prev WHERE tenant = 'acme';
                    END $$""");
        }
        ChainVerifier.Result rewritten = verify("acme");
        assertFalse(rewritten.intact(), "the recomputed chain is consistent, the signature is not: " + rewritten);
        assertEquals(head, rewritten.firstBrokenPosition(), rewritten.toString());
        assertTrue(rewritten.problem().contains("recomputed"), rewritten.problem());

        // adjusting the stored checkpoint to the new hash breaks key-service's signature instead
        try (Connection db = superuser()) {
            db.createStatement().execute("UPDATE audit_checkpoint c SET chain_hash = h.hash FROM audit_chain_head h "
                    + "WHERE c.tenant = 'acme' AND h.tenant = 'acme' AND c.position = " + head);
        }
        ChainVerifier.Result adjusted = verify("acme");
        assertEquals(head, adjusted.firstBrokenPosition(), adjusted.toString());
        assertTrue(adjusted.problem().contains("signature"), adjusted.problem());
    }

    /**
     * Issue 28, finding 10: the chain of unattributed events (refused tokens, floods) was never
     * sealed, so a superuser could rewrite exactly the trace an attacker leaves.
     */
    @Test
    void theChainOfUnattributedEventsIsSealedLikeEveryTenants() throws Exception {
        tenEvents(SecurityEvent.UNATTRIBUTED_TENANT);
        seal(); // waits until every chain, this one included, is sealed without a failure
        ChainVerifier.Result sealed = verify(SecurityEvent.UNATTRIBUTED_TENANT);
        assertTrue(sealed.intact() && sealed.checkpointsVerified() >= 1, sealed.toString());
    }

    @Test
    void rowsCutOffTheEndAreFoundThroughTheCheckpoint() throws Exception {
        tenEvents("consumer");
        seal();
        ChainVerifier.Result sealed = verify("consumer");
        assertTrue(sealed.intact() && sealed.checkpointsVerified() >= 1, sealed.toString());
        long head = sealed.to();
        try (Connection db = superuser()) {
            db.createStatement().execute("DELETE FROM audit_event WHERE tenant = 'consumer' AND seq > " + (head - 2));
            db.createStatement().execute("UPDATE audit_chain_head h SET seq = e.seq, hash = e.hash FROM audit_event e "
                    + "WHERE h.tenant = 'consumer' AND e.tenant = 'consumer' AND e.seq = " + (head - 2));
        }
        ChainVerifier.Result cut = verify("consumer");
        assertFalse(cut.intact(), cut.toString());
        assertEquals(head - 1, cut.firstBrokenPosition(), cut.toString());
        assertTrue(cut.problem().contains("missing"), cut.problem());
    }
}
