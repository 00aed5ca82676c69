package dev.sealpost.mail;

import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.mail.service.IdempotencyKeyRetention;
import dev.sealpost.mail.service.TrashRetention;
import dev.sealpost.mail.repository.RetentionRepository;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.QueryPlans;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.sealpost.mail.MailTestSupport.as;
import static dev.sealpost.mail.MailTestSupport.passport;
import static dev.sealpost.mail.MailTestSupport.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trash and Idempotency-Key retention: their purges stay index lookups however large the tables. */
@QuarkusTest
@TestProfile(SmallLimitsProfile.class)
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "mail"), @ResourceArg(name = "passportAudience", value = "mail-service")})
class MailRetentionTest {

    private static final PrivateKeys ERIN = PrivateKeys.generate();

    @Inject
    TrashRetention retention;
    @Inject
    IdempotencyKeyRetention keyRetention;

    /**
     * The trash purge deletes its batch by primary key however large the mailbox tables: planned
     * generically, as mail-service plans every statement, a {@code LIMIT $n} was taken for a tenth of
     * the rows, and each batch was deleted through sequential scans of all of {@code message} and
     * {@code sealed_envelope}. Then a real purge of 1,500 trashed copies in batches of 500: an
     * envelope whose two copies were both trashed goes, one with a copy left counts one.
     */
    @Test
    void theTrashPurgeDeletesItsBatchByPrimaryKeyWhateverTheSizeOfTheTables() throws Exception {
        String ivy = passport("consumer", "ivy", "ivy@sealpost.test");
        as(ivy).get("/api/mail/quota").then().statusCode(200);
        String marker = "'\\x7472617368'::bytea"; // the test's envelopes, told apart from the other tests'
        try (Connection db = MailTestSupport.superuser(); Statement sql = db.createStatement()) {
            try {
                String mailbox = "(SELECT id FROM mailbox WHERE address = 'ivy@sealpost.test')";
                String folder = "(SELECT f.id FROM folder f WHERE f.mailbox_id = " + mailbox + " AND f.kind = '%s')";
                // 200,000 envelopes with a copy each in ivy's inbox, the first 1,000 with a second copy: tables large
                // enough that a plan expecting a tenth of them per batch scans them whole, as it did on a real database
                String inbox = folder.formatted("INBOX");
                sql.execute("WITH envelope AS (INSERT INTO sealed_envelope (id, copies, bytes) SELECT gen_random_uuid(), 1, " + marker
                        + " FROM generate_series(1, 200000) RETURNING id) INSERT INTO message (id, mailbox_id, folder_id, envelope_id, "
                        + "size_bytes, sender_address, recipient_addresses, sent_at, received_at) SELECT gen_random_uuid(), " + mailbox
                        + ", " + inbox + ", envelope.id, 100, 'someone@sealpost.test', ARRAY['ivy@sealpost.test'], now(), now() FROM envelope");
                sql.execute("WITH doubled AS (UPDATE sealed_envelope SET copies = 2 WHERE id IN (SELECT id FROM sealed_envelope WHERE bytes = "
                        + marker + " ORDER BY id LIMIT 1000) RETURNING id) INSERT INTO message (id, mailbox_id, folder_id, envelope_id, "
                        + "size_bytes, sender_address, recipient_addresses, sent_at, received_at) SELECT gen_random_uuid(), " + mailbox
                        + ", " + inbox + ", doubled.id, 100, 'someone@sealpost.test', ARRAY['ivy@sealpost.test'], now(), now() FROM doubled");
                // a day in the trash: both copies of 600 envelopes, one copy of 300 others
                sql.execute("WITH chosen AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM sealed_envelope WHERE bytes = " + marker
                        + " ORDER BY id LIMIT 900), doomed AS (SELECT m.id FROM message m JOIN chosen c ON c.id = m.envelope_id "
                        + "WHERE c.n <= 600 UNION ALL SELECT min(m.id::text)::uuid FROM message m JOIN chosen c ON c.id = m.envelope_id "
                        + "WHERE c.n > 600 GROUP BY m.envelope_id) UPDATE message SET folder_id = " + folder.formatted("TRASH")
                        + ", trashed_at = now() - interval '1 day' WHERE id IN (SELECT id FROM doomed)");
                sql.execute("ANALYZE message");
                sql.execute("ANALYZE sealed_envelope");

                String plan = QueryPlans.generic(sql, "(timestamptz, int)", RetentionRepository.trashPurgeStatement(500), "(now(), 32)");
                assertTrue(!plan.contains("Seq Scan on message") && !plan.contains("Seq Scan on sealed_envelope")
                        && plan.contains("message_pkey") && plan.contains("sealed_envelope_pkey"),
                        "the purge finds its batch's messages and envelopes by primary key:\n" + plan);

                retention.purgeExpired().await().atMost(Duration.ofSeconds(60));
                try (ResultSet row = sql.executeQuery("SELECT (SELECT count(*) FROM message WHERE mailbox_id = " + mailbox + "), "
                        + "(SELECT count(*) FROM message WHERE mailbox_id = " + mailbox + " AND trashed_at IS NOT NULL), "
                        + "(SELECT count(*) FROM sealed_envelope WHERE bytes = " + marker + "), "
                        + "(SELECT count(*) FROM sealed_envelope e WHERE e.bytes = " + marker + " AND e.copies <> "
                        + "(SELECT count(*) FROM message m WHERE m.envelope_id = e.id))")) {
                    row.next();
                    assertEquals(201_000 - 1_500, row.getLong(1), "ivy's copies left");
                    assertEquals(0, row.getLong(2), "nothing left in her trash");
                    assertEquals(200_000 - 600, row.getLong(3), "the envelopes with no copy left are gone");
                    assertEquals(0, row.getLong(4), "every envelope counts the copies that refer to it");
                }
            } finally {
                sql.execute("DELETE FROM message WHERE mailbox_id = (SELECT id FROM mailbox WHERE address = 'ivy@sealpost.test')");
                sql.execute("DELETE FROM sealed_envelope WHERE bytes = " + marker);
                sql.execute("DELETE FROM mailbox_usage WHERE mailbox_id = (SELECT id FROM mailbox WHERE address = 'ivy@sealpost.test')");
            }
        }
    }

    /**
     * Idempotency-Keys are honoured for a day, then forgotten: the purge walks the table by its
     * index and deletes by row address however many keys a busy day left (planned generically over 100,000), a
     * fresh key stays a retry, and an expired one makes a new send.
     */
    @Test
    void idempotencyKeysAreForgottenAfterADay() throws Exception {
        String kai = passport("consumer", "kai", "kai@sealpost.test");
        as(kai).get("/api/mail/quota").then().statusCode(200);
        as(passport("consumer", "lena", "lena@sealpost.test")).get("/api/mail/quota").then().statusCode(200);
        byte[] envelope = MailTestSupport.seal("keyed", List.of(ERIN.publicBundle()));
        String key = "kept-" + UUID.randomUUID();
        String first = keyedSend(kai, key, envelope).then().statusCode(201).extract().path("messageId");
        try (Connection db = MailTestSupport.superuser(); Statement sql = db.createStatement()) {
            sql.execute("INSERT INTO send_request (mailbox_id, idempotency_key, sent_message_id, created_at) "
                    + "SELECT m.id, 'old-' || g, gen_random_uuid(), now() - interval '2 days' - g * interval '1 second' "
                    + "FROM mailbox m, generate_series(1, 100000) g WHERE m.address = 'kai@sealpost.test'");
            sql.execute("ANALYZE send_request");
            String plan = QueryPlans.generic(sql, "(timestamptz)", RetentionRepository.IDEMPOTENCY_KEY_PURGE, "(now() - interval '1 day')");
            assertTrue(!plan.contains("Seq Scan on send_request") && plan.contains("send_request_created") && plan.contains("Tid Scan"),
                    "the purge walks the index and deletes by row address:\n" + plan);
        }
        keyRetention.purgeExpired().await().atMost(Duration.ofSeconds(60));
        assertEquals(0, sendRequests("old-%"));
        assertEquals(1, sendRequests(key));
        assertEquals(first, keyedSend(kai, key, envelope).then().statusCode(200).extract().path("messageId"));

        try (Connection db = MailTestSupport.superuser(); var age = db.prepareStatement(
                "UPDATE send_request SET created_at = now() - interval '25 hours' WHERE idempotency_key = ?")) {
            age.setString(1, key);
            assertEquals(1, age.executeUpdate());
        }
        keyRetention.purgeExpired().await().atMost(Duration.ofSeconds(60));
        assertEquals(0, sendRequests(key));
        String second = keyedSend(kai, key, envelope).then().statusCode(201).extract().path("messageId");
        assertTrue(!first.equals(second), "a key past its day makes a new send");
    }

    private static io.restassured.response.Response keyedSend(String passport, String key, byte[] envelope) {
        return as(passport).header("Idempotency-Key", key).contentType("application/octet-stream").body(envelope)
                .queryParam("to", "lena@sealpost.test").post("/api/mail/messages");
    }

    private static long sendRequests(String keyPattern) throws Exception {
        return MailTestSupport.count("SELECT count(*) FROM send_request WHERE idempotency_key LIKE ?", keyPattern);
    }
}
