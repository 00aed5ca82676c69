package dev.sealpost.mail;

import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.mail.service.IdempotencyKeyRetention;
import dev.sealpost.mail.service.MailboxAccessLog;
import dev.sealpost.mail.service.TrashRetention;
import dev.sealpost.outbox.OutboxRelay;
import dev.sealpost.outbox.OutboxRetention;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.SealpostInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.sealpost.mail.MailApiTest.as;
import static dev.sealpost.mail.MailApiTest.passport;
import static dev.sealpost.mail.MailApiTest.send;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quota, trash retention, the outbox's crash window and the aggregated access log. Own database and settings. */
@QuarkusTest
@TestProfile(MailEventsAndLimitsTest.SmallQuota.class)
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "mail"), @ResourceArg(name = "passportAudience", value = "mail-service")})
class MailEventsAndLimitsTest {

    public static class SmallQuota implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sealpost.mail.default-quota-bytes", "80000",
                    "sealpost.mail.trash-retention", "0s",
                    "sealpost.events.relay-interval", "200ms",
                    "sealpost.mail.access-log-clients-per-minute", "3",
                    "sealpost.mail.max-user-folders", "3");
        }
    }

    private static final PrivateKeys ERIN = PrivateKeys.generate();

    @Inject
    OutboxRelay relay;
    @Inject
    OutboxRetention outboxRetention;
    @Inject
    TrashRetention retention;
    @Inject
    MailboxAccessLog accessLog;
    @Inject
    SettableClock clock;
    @Inject
    IdempotencyKeyRetention keyRetention;

    @Test
    void aFullMailboxRefusesWithAClearProblemAndNeverGoesOver() throws Exception {
        String sender = passport("consumer", "quota-sender", "quota-sender@sealpost.test");
        String erin = passport("consumer", "erin", "erin@sealpost.test");
        as(sender).get("/api/mail/quota").then().statusCode(200);
        as(erin).get("/api/mail/quota").then().statusCode(200);
        int accepted = 0;
        while (true) {
            var response = send(sender, MailApiTest.seal("fill " + accepted, List.of(ERIN.publicBundle())), "erin@sealpost.test");
            if (response.statusCode() == 413) {
                response.then().contentType("application/problem+json").body("detail", containsString("quota"));
                break;
            }
            assertEquals(201, response.statusCode());
            accepted++;
            assertTrue(accepted < 20, "the quota must stop sends");
        }
        long used = ((Number) as(erin).get("/api/mail/quota").path("usedBytes")).longValue();
        assertTrue(accepted >= 1 && used <= 80000, "used " + used);
        // trash and purge give the space back: retention 0 s purges the trash at once
        String first = as(erin).get("/api/mail/folders/inbox/messages").path("messages[0].id");
        String envelope = MailApiTest.envelopeOf(first);
        as(erin).delete("/api/mail/messages/" + first).then().statusCode(204);
        assertEquals(1L, retention.purgeExpired().await().atMost(Duration.ofSeconds(10)));
        as(erin).get("/api/mail/messages/" + first).then().statusCode(404);
        assertTrue(((Number) as(erin).get("/api/mail/quota").path("usedBytes")).longValue() < used);
        // the sender's copy keeps the envelope; once retention purges that one too, the envelope goes
        assertEquals(List.of(1L, 1L), MailApiTest.envelopeCopiesAndReferences(envelope));
        String sendersCopy = as(sender).queryParam("limit", 200).get("/api/mail/folders/sent/messages").jsonPath()
                .getList("messages.id", String.class).stream().filter(id -> MailApiTest.envelopeOf(id).equals(envelope)).findFirst().orElseThrow();
        as(sender).delete("/api/mail/messages/" + sendersCopy).then().statusCode(204);
        assertEquals(1L, retention.purgeExpired().await().atMost(Duration.ofSeconds(10)));
        assertEquals(List.of(), MailApiTest.envelopeCopiesAndReferences(envelope));
    }

    @Test
    void committedEventsArePublishedAfterARelayStopAndARolledBackSendPublishesNothing() throws Exception {
        String frank = passport("consumer", "frank", "frank@sealpost.test");
        String gina = passport("acme", "gina", "gina@acme.test");
        as(frank).get("/api/mail/quota").then().statusCode(200);
        as(gina).get("/api/mail/quota").then().statusCode(200);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.poll(Duration.ofMillis(500));
            // the relay stops between the commit and the publish
            relay.pause(true);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(send(frank, MailApiTest.seal("crash window " + i, List.of(ERIN.publicBundle())), "gina@acme.test")
                        .then().statusCode(201).extract().path("messageId"));
            }
            assertTrue(unpublished() >= 6, "sent and received events wait in the outbox");
            // a send that fails inside its one statement, while writing a copy
            try (Connection db = MailApiTest.superuser(); Statement statement = db.createStatement()) {
                statement.execute("CREATE FUNCTION refuse_gina() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF NEW.mailbox_id = (SELECT id FROM mailbox WHERE address = 'gina@acme.test') THEN "
                        + "RAISE EXCEPTION 'simulated failure'; END IF; RETURN NEW; END $$");
                statement.execute("CREATE TRIGGER refuse_gina BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION refuse_gina()");
            }
            long outboxBefore = outboxSize();
            long pendingBefore = unpublished();
            send(frank, MailApiTest.seal("rolled back", List.of(ERIN.publicBundle())), "gina@acme.test").then().statusCode(500);
            assertEquals(outboxBefore, outboxSize(), "a rolled-back send leaves no event");
            assertEquals(pendingBefore, unpublished(), "and nothing pending");
            try (Connection db = MailApiTest.superuser(); Statement statement = db.createStatement()) {
                statement.execute("DROP TRIGGER refuse_gina ON message");
            }
            Map<UUID, String> franksEventRows = eventRowVersions("subject-frank");
            assertEquals(6, franksEventRows.size());
            // restart the relay: every committed event arrives; deduplicated by id, each exactly once
            relay.pause(false);
            Set<UUID> ids = new HashSet<>();
            List<SecurityEvent> forFrank = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    SecurityEvent event = SecurityEventCodec.fromJson(record.value());
                    if (ids.add(event.id()) && "subject-frank".equals(event.actor().subject())) {
                        forFrank.add(event);
                    }
                }
                return forFrank.size() >= 6;
            });
            assertEquals(3, forFrank.stream().filter(e -> e.type() == SecurityEventType.MESSAGE_SENT).count());
            assertEquals(3, forFrank.stream().filter(e -> e.type() == SecurityEventType.MESSAGE_RECEIVED && e.tenant().equals("acme")).count());
            for (String id : sent) {
                assertTrue(forFrank.stream().anyMatch(e -> e.target().contains(id)), "the event of " + id);
            }
            assertTrue(forFrank.stream().noneMatch(e -> e.target().contains("rolled back")));
            await().atMost(Duration.ofSeconds(10)).until(() -> unpublished() == 0);
            // publishing took their ids off outbox_pending and left the event rows as they were written
            assertEquals(franksEventRows, eventRowVersions("subject-frank"), "no event row rewritten by the relay");
        } finally {
            relay.pause(false);
        }
    }

    @Test
    void anIdempotencyKeyTakenByAConcurrentSendIsAConflictAndWritesNothing() throws Exception {
        String ivan = passport("consumer", "ivan", "ivan@sealpost.test");
        String judy = passport("consumer", "judy", "judy@sealpost.test");
        as(ivan).get("/api/mail/quota").then().statusCode(200);
        as(judy).get("/api/mail/quota").then().statusCode(200);
        // the other send records the key after our check and before our write: a trigger does it inside our statement
        // (whichever part of the statement runs first, the second insert of the key is the unique violation)
        try (Connection db = MailApiTest.superuser(); Statement statement = db.createStatement()) {
            statement.execute("CREATE FUNCTION take_ivans_key() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.sender_address = 'ivan@sealpost.test' THEN INSERT INTO send_request VALUES ((SELECT id FROM mailbox "
                    + "WHERE address = 'ivan@sealpost.test'), 'raced-key', gen_random_uuid(), now()); END IF; "
                    + "RETURN NEW; END $$");
            statement.execute("CREATE TRIGGER take_ivans_key BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION take_ivans_key()");
        }
        long outboxBefore = outboxSize();
        try {
            as(ivan).header("Idempotency-Key", "raced-key").contentType("application/octet-stream")
                    .body(MailApiTest.seal("raced", List.of(ERIN.publicBundle()))).queryParam("to", "judy@sealpost.test")
                    .post("/api/mail/messages").then().statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("Idempotency-Key"));
        } finally {
            try (Connection db = MailApiTest.superuser(); Statement statement = db.createStatement()) {
                statement.execute("DROP TRIGGER take_ivans_key ON message");
            }
        }
        assertEquals(outboxBefore, outboxSize(), "no event of the refused send");
        try (Connection db = MailApiTest.superuser(); ResultSet rows = db.createStatement().executeQuery(
                "SELECT (SELECT count(*) FROM message WHERE sender_address = 'ivan@sealpost.test'), "
                        + "(SELECT count(*) FROM send_request r JOIN mailbox m ON m.id = r.mailbox_id WHERE m.address = 'ivan@sealpost.test'), "
                        + "(SELECT coalesce(sum(u.bytes), 0) FROM mailbox_usage u JOIN mailbox m ON m.id = u.mailbox_id "
                        + "WHERE m.address IN ('ivan@sealpost.test', 'judy@sealpost.test'))")) {
            rows.next();
            assertEquals(0, rows.getLong(1), "no copy");
            assertEquals(0, rows.getLong(2), "no key");
            assertEquals(0, rows.getLong(3), "no usage");
        }
    }

    @Test
    void publishedEventsLeaveTheOutboxAfterTheRetentionPendingOnesNever() throws Exception {
        Instant now = Instant.now();
        // more than two of the purge's batches (5,000) of old events, all in one millisecond; one of them,
        // inside the first batch, still pending
        long oldMillisBits = dev.sealpost.events.UuidV7.lowestAt(now.minus(Duration.ofHours(3))).getMostSignificantBits();
        List<UUID> all = new ArrayList<>();
        for (long i = 0; i < 10_002; i++) {
            all.add(new UUID(oldMillisBits, 0x8000000000000000L | i));
        }
        UUID oldPending = all.get(2_500);
        UUID recentPublished = dev.sealpost.events.UuidV7.next();
        all.add(recentPublished);
        relay.pause(true); // the pending test row must not reach Kafka
        try (Connection db = MailApiTest.superuser()) {
            try (var insert = db.prepareStatement("INSERT INTO outbox_event (id, partition_key, event_type, payload) "
                    + "SELECT id, 'test|retention', 'MESSAGE_SENT', '{}'::jsonb FROM unnest(?::uuid[]) AS id")) {
                insert.setArray(1, db.createArrayOf("uuid", all.toArray()));
                insert.executeUpdate();
            }
            try (var pending = db.prepareStatement("INSERT INTO outbox_pending (id) VALUES (?)")) {
                pending.setObject(1, oldPending);
                pending.executeUpdate();
            }
            db.createStatement().execute("ANALYZE outbox_event");
            assertPurgeReadsOnlyTheRangeOfTheIndex(db);

            assertTrue(outboxRetention.purgePublishedBefore(now.minus(Duration.ofHours(1))).await().atMost(Duration.ofSeconds(30)) >= 1);
            Set<UUID> left = new HashSet<>();
            try (ResultSet rows = db.createStatement().executeQuery("SELECT id FROM outbox_event WHERE partition_key = 'test|retention'")) {
                while (rows.next()) {
                    left.add((UUID) rows.getObject(1));
                }
            }
            assertEquals(2, left.size(), "events left of the 10,003 (10,001 old and published among them)");
            assertEquals(Set.of(oldPending, recentPublished), left);
            db.createStatement().execute("DELETE FROM outbox_pending WHERE id = '" + oldPending + "'");
            db.createStatement().execute("DELETE FROM outbox_event WHERE partition_key = 'test|retention'");
        } finally {
            relay.pause(false);
        }
    }

    /**
     * The relay reads the events of its batch and no others, however long the outbox's history of
     * published events (kept an hour): planned generically, as mail-service plans every statement,
     * its earlier statement walked that whole history for every batch (~0.5 s a batch after a few
     * minutes of sends, slower than the sends made events).
     */
    @Test
    void theRelayReadsOnlyItsBatchWhateverTheHistoryOfPublishedEvents() throws Exception {
        int batchSize = 200;
        long publishedBits = dev.sealpost.events.UuidV7.lowestAt(Instant.now().minus(Duration.ofMinutes(30))).getMostSignificantBits();
        long pendingBits = dev.sealpost.events.UuidV7.lowestAt(Instant.now().minus(Duration.ofMinutes(1))).getMostSignificantBits();
        List<UUID> published = new ArrayList<>();
        for (long i = 0; i < 40_000; i++) {
            published.add(new UUID(publishedBits, 0x8000000000000000L | i));
        }
        List<UUID> pending = new ArrayList<>();
        for (long i = 0; i < 12_000; i++) {
            pending.add(new UUID(pendingBits, 0x8000000000000000L | i));
        }
        relay.pause(true); // the test's pending rows must not reach Kafka
        try (Connection db = MailApiTest.superuser()) {
            try {
                try (var insert = db.prepareStatement("INSERT INTO outbox_event (id, partition_key, event_type, payload) "
                        + "SELECT id, 'test|relay-plan', 'MESSAGE_SENT', jsonb_build_object('padding', repeat('x', 700)) "
                        + "FROM unnest(?::uuid[]) AS id");
                        var insertPending = db.prepareStatement("INSERT INTO outbox_pending (id) SELECT unnest(?::uuid[])")) {
                    insert.setArray(1, db.createArrayOf("uuid", published.toArray()));
                    insert.executeUpdate();
                    insert.setArray(1, db.createArrayOf("uuid", pending.toArray()));
                    insert.executeUpdate();
                    insertPending.setArray(1, db.createArrayOf("uuid", pending.toArray()));
                    insertPending.executeUpdate();
                }
                db.createStatement().execute("ANALYZE outbox_event");
                db.createStatement().execute("ANALYZE outbox_pending");
                assertGenericPlanReadsAtMost(db, OutboxRelay.selectBatch(batchSize), batchSize);
            } finally {
                db.createStatement().execute("DELETE FROM outbox_pending WHERE id IN (SELECT id FROM outbox_event "
                        + "WHERE partition_key = 'test|relay-plan')");
                db.createStatement().execute("DELETE FROM outbox_event WHERE partition_key = 'test|relay-plan'");
            }
        } finally {
            relay.pause(false);
        }
    }

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
        try (Connection db = MailApiTest.superuser(); Statement sql = db.createStatement()) {
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

                String plan = genericPlan(sql, "(timestamptz, int)", TrashRetention.purgeStatement(500), "(now(), 32)");
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

    /** Runs a statement planned generically (in a transaction rolled back): its plan reads 1..max rows of outbox_event. */
    private static void assertGenericPlanReadsAtMost(Connection db, String statement, int max) throws Exception {
        java.util.regex.Pattern scan = java.util.regex.Pattern.compile(
                " on outbox_event( |$).*actual time=\\S+ rows=([0-9.]+) loops=(\\d+)");
        StringBuilder plan = new StringBuilder();
        double read = 0; // rows per loop: an integer in PostgreSQL 17, with decimals from 18 on
        db.setAutoCommit(false);
        try (Statement sql = db.createStatement()) {
            sql.execute("SET LOCAL plan_cache_mode = force_generic_plan");
            sql.execute("PREPARE relay_batch AS " + statement);
            try (ResultSet lines = sql.executeQuery("EXPLAIN (ANALYZE, COSTS OFF) EXECUTE relay_batch")) {
                while (lines.next()) {
                    String line = lines.getString(1);
                    plan.append(line).append('\n');
                    java.util.regex.Matcher node = scan.matcher(line);
                    if (node.find()) {
                        read += Double.parseDouble(node.group(2)) * Long.parseLong(node.group(3));
                    }
                }
            }
            sql.execute("DEALLOCATE relay_batch");
        } finally {
            db.rollback();
            db.setAutoCommit(true);
        }
        assertTrue(read >= 1 && read <= max, "read " + read + " rows of outbox_event, at most " + max + " expected:\n" + plan);
    }

    /**
     * mail-service plans every statement generically (plan_cache_mode=force_generic_plan), the
     * purge's too: its plan must walk the primary key's range, never scan the whole outbox per
     * batch (a backlog of millions of events was once purged at ~1,100 rows a second that way).
     */
    private static void assertPurgeReadsOnlyTheRangeOfTheIndex(Connection db) throws Exception {
        try (Statement sql = db.createStatement()) {
            String plan = genericPlan(sql, "(uuid, uuid)", OutboxRetention.PURGE_BATCH,
                    "('" + new UUID(0, 0) + "', '" + dev.sealpost.events.UuidV7.lowestAt(Instant.now()) + "')");
            assertTrue(!plan.contains("Seq Scan on outbox_event") && plan.contains("outbox_event_pkey"),
                    "the purge scans the outbox's primary key by range:\n" + plan);
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
        byte[] envelope = MailApiTest.seal("keyed", List.of(ERIN.publicBundle()));
        String key = "kept-" + UUID.randomUUID();
        String first = keyedSend(kai, key, envelope).then().statusCode(201).extract().path("messageId");
        try (Connection db = MailApiTest.superuser(); Statement sql = db.createStatement()) {
            sql.execute("INSERT INTO send_request (mailbox_id, idempotency_key, sent_message_id, created_at) "
                    + "SELECT m.id, 'old-' || g, gen_random_uuid(), now() - interval '2 days' - g * interval '1 second' "
                    + "FROM mailbox m, generate_series(1, 100000) g WHERE m.address = 'kai@sealpost.test'");
            sql.execute("ANALYZE send_request");
            String plan = genericPlan(sql, "(timestamptz)", IdempotencyKeyRetention.PURGE_BATCH, "(now() - interval '1 day')");
            assertTrue(!plan.contains("Seq Scan on send_request") && plan.contains("send_request_created") && plan.contains("Tid Scan"),
                    "the purge walks the index and deletes by row address:\n" + plan);
        }
        keyRetention.purgeExpired().await().atMost(Duration.ofSeconds(60));
        assertEquals(0, sendRequests("old-%"));
        assertEquals(1, sendRequests(key));
        assertEquals(first, keyedSend(kai, key, envelope).then().statusCode(200).extract().path("messageId"));

        try (Connection db = MailApiTest.superuser(); var age = db.prepareStatement(
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
        return count("SELECT count(*) FROM send_request WHERE idempotency_key LIKE ?", keyPattern);
    }

    /** A {@code count(*)} query of one parameter, as the superuser. */
    private static long count(String query, Object parameter) throws Exception {
        try (Connection db = MailApiTest.superuser(); var statement = db.prepareStatement(query)) {
            statement.setObject(1, parameter);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** The plan mail-service runs a statement with (generic, as it plans every statement), for these arguments. */
    private static String genericPlan(Statement sql, String parameterTypes, String statement, String arguments) throws Exception {
        sql.execute("SET plan_cache_mode = force_generic_plan");
        sql.execute("PREPARE planned" + parameterTypes + " AS " + statement);
        StringBuilder plan = new StringBuilder();
        try (ResultSet lines = sql.executeQuery("EXPLAIN EXECUTE planned" + arguments)) {
            while (lines.next()) {
                plan.append(lines.getString(1)).append('\n');
            }
        } finally {
            sql.execute("DEALLOCATE planned");
            sql.execute("RESET plan_cache_mode");
        }
        return plan.toString();
    }

    @Test
    void mailboxAccessIsOneEventPerClientAndMinute() throws Exception {
        String hana = passport("consumer", "hana", "hana@sealpost.test");
        clock.holdInThisMinute();
        for (int i = 0; i < 5; i++) {
            as(hana).header("User-Agent", "sealpost-cli/test").get("/api/mail/folders/inbox/messages").then().statusCode(200);
        }
        List<AccessEvent> events = accessEvents("hana");
        assertEquals(1, events.size(), "one access event for five requests in one minute: " + events);
        assertTrue(events.get(0).target().startsWith("hana@sealpost.test") && events.get(0).target().endsWith("requests=5"),
                events.get(0).target());
        assertEquals("sealpost-cli/test", events.get(0).userAgent());
    }

    /** Eight folder creations at once in one mailbox limited to 3 folders of its own: exactly 3 are made. */
    @Test
    void concurrentFolderCreationsStopAtTheLimit() throws Exception {
        String greta = passport("consumer", "greta", "greta@sealpost.test");
        as(greta).get("/api/mail/quota").then().statusCode(200);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<CompletableFuture<Integer>> creations = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "folder " + i;
                creations.add(CompletableFuture.supplyAsync(() -> MailApiTest.createFolder(greta, "{\"name\":\"" + name + "\"}")
                        .statusCode(), threads));
            }
            for (CompletableFuture<Integer> creation : creations) {
                statuses.add(creation.get());
            }
        } finally {
            threads.shutdown();
        }
        assertEquals(3, statuses.stream().filter(status -> status == 201).count(), statuses.toString());
        assertEquals(5, statuses.stream().filter(status -> status == 409).count(), statuses.toString());
        assertEquals(8, as(greta).get("/api/mail/folders").then().statusCode(200).extract().jsonPath().getList("").size());
        MailApiTest.createFolder(greta, "{\"name\":\"one more\"}").then().statusCode(409)
                .body("detail", containsString("at most 3"));
    }

    /**
     * A folder creation locks its mailbox's row so that two creations are checked against the limit one
     * after the other — and in PostgreSQL's FOR NO KEY UPDATE mode, which the FOR KEY SHARE locks of
     * concurrent sends' foreign-key checks on that row do not wait for (nor it for them).
     */
    @Test
    void aFolderCreationWaitsForAnotherButNotForASend() throws Exception {
        String hugo = passport("consumer", "hugo", "hugo@sealpost.test");
        as(hugo).get("/api/mail/quota").then().statusCode(200);
        try (Connection lock = MailApiTest.superuser()) {
            lock.setAutoCommit(false);
            int lockHolder;
            try (Statement sql = lock.createStatement(); ResultSet row = sql.executeQuery("SELECT pg_backend_pid()")) {
                row.next();
                lockHolder = row.getInt(1);
            }
            // as an in-flight send's foreign-key check: the creation goes through
            lock.createStatement().executeQuery("SELECT id FROM mailbox WHERE address = 'hugo@sealpost.test' FOR KEY SHARE").close();
            assertEquals(201, CompletableFuture.supplyAsync(() -> MailApiTest.createFolder(hugo, "{\"name\":\"beside a send\"}")
                    .statusCode()).get(30, java.util.concurrent.TimeUnit.SECONDS));
            lock.commit();

            // as another creation in progress: this one waits for it, then goes on
            lock.createStatement().executeQuery("SELECT id FROM mailbox WHERE address = 'hugo@sealpost.test' FOR NO KEY UPDATE").close();
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> MailApiTest.createFolder(hugo,
                    "{\"name\":\"after another\"}").statusCode());
            await().atMost(Duration.ofSeconds(30)).until(() -> blockedBy(lockHolder) == 1);
            lock.commit();
            assertEquals(201, waiting.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    private static long blockedBy(int backend) throws Exception {
        return count("SELECT count(*) FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))", backend);
    }

    /**
     * One caller changing its user agent at every request: the first clients of a minute (3 in this
     * profile) get their own event, the accesses of all further ones are counted in one more, and a
     * user agent is kept only as long as an event field — the access log's memory and its events stay
     * bounded, and every access is still counted.
     */
    @Test
    void anActorsClientsPastTheLimitAreCountedTogetherAndUserAgentsAreCut() throws Exception {
        String jonas = passport("consumer", "jonas", "jonas@sealpost.test");
        String longAgent = "x".repeat(4_000);
        clock.holdInThisMinute();
        for (String agent : List.of("client-1", "client-1", "client-2", longAgent, "client-4", "client-5", "client-1", "client-6")) {
            as(jonas).header("User-Agent", agent).get("/api/mail/folders/inbox/messages").then().statusCode(200);
        }
        Map<String, String> requestsByAgent = new HashMap<>();
        for (AccessEvent event : accessEvents("jonas")) {
            assertEquals(MailboxAccessLog.FURTHER_CLIENTS.equals(event.userAgent()) ? null : "127.0.0.1", event.sourceIp(), event.userAgent());
            assertTrue(requestsByAgent.put(event.userAgent(), event.target().replaceAll(".* requests=", "")) == null,
                    "one event per client: " + event.userAgent());
        }
        assertEquals(Map.of("client-1", "3", "client-2", "1", longAgent.substring(0, SecurityEvent.MAX_FIELD_LENGTH), "1",
                MailboxAccessLog.FURTHER_CLIENTS, "3"), requestsByAgent);
    }

    private record AccessEvent(String userAgent, String target, String sourceIp) {
    }

    /** Writes the access log's pending minutes, then reads a user's MAILBOX_ACCESSED events from the outbox. */
    private List<AccessEvent> accessEvents(String user) throws Exception {
        accessLog.flush(Instant.now().plusSeconds(120)).await().atMost(Duration.ofSeconds(10));
        List<AccessEvent> events = new ArrayList<>();
        try (Connection db = MailApiTest.superuser(); var query = db.prepareStatement(
                "SELECT payload->>'userAgent', payload->>'target', payload->>'sourceIp' FROM outbox_event "
                        + "WHERE event_type = 'MAILBOX_ACCESSED' AND payload->'actor'->>'subject' = ?")) {
            query.setString(1, "subject-" + user);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(new AccessEvent(rows.getString(1), rows.getString(2), rows.getString(3)));
                }
            }
        }
        return events;
    }

    /**
     * Accesses counted while flushes take the counts away: every one is in some event. (The narrow
     * race of an increment on a counter a flush has just taken is too rare to provoke here; this
     * checks the counting as a whole.)
     */
    @Test
    void noAccessIsLostToAConcurrentFlush() throws Exception {
        dev.sealpost.mail.domain.Mailbox mailbox = new dev.sealpost.mail.domain.Mailbox(UUID.randomUUID(), "consumer", "subject-ivo",
                "ivo@sealpost.test", 1_000_000, 0);
        dev.sealpost.passport.Passport ivo = new dev.sealpost.passport.Passport("consumer", "http://issuer.test", "subject-ivo",
                "mail-service", Set.of("user"), null, "ivo@sealpost.test", Instant.now().plusSeconds(300), "kid");
        dev.sealpost.mail.service.RequestContext client = new dev.sealpost.mail.service.RequestContext("192.0.2.1", "race", null);
        int threads = 4;
        int each = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> accessing = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                accessing.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        accessLog.accessed(mailbox, ivo, client);
                    }
                }));
            }
            while (accessing.stream().anyMatch(access -> !access.isDone())) {
                accessLog.flush(Instant.now().plusSeconds(120)).await().atMost(Duration.ofSeconds(10));
            }
            for (java.util.concurrent.Future<?> access : accessing) {
                access.get();
            }
        } finally {
            pool.shutdown();
        }
        long counted = accessEvents("ivo").stream().mapToLong(event -> Long.parseLong(event.target().replaceAll(".* requests=", ""))).sum();
        assertEquals((long) threads * each, counted);
    }

    @org.junit.jupiter.api.AfterEach
    void releaseTheClock() {
        clock.release();
    }

    /**
     * The access log's client address: the gateway's X-Forwarded-For is believed from a trusted proxy
     * (loopback 127.0.0.1 here, as in the local stack), and from any other peer the connection's own
     * address is recorded — a caller reaching the service directly cannot choose what its owner reads.
     */
    @Test
    void theAccessLogBelievesXForwardedForOnlyFromTheGateway() throws Exception {
        String ines = passport("consumer", "ines", "ines@sealpost.test");
        clock.holdInThisMinute();
        assertEquals(200, listInboxFrom("127.0.0.1", ines, "203.0.113.7", "through-the-gateway"));
        assertEquals(200, listInboxFrom("127.0.0.2", ines, "198.51.100.9", "around-the-gateway"));
        Map<String, String> addressByAgent = new HashMap<>();
        for (AccessEvent event : accessEvents("ines")) {
            addressByAgent.put(event.userAgent(), event.sourceIp());
        }
        assertEquals(Map.of("through-the-gateway", "203.0.113.7", "around-the-gateway", "127.0.0.2"), addressByAgent);
    }

    /** Lists a mailbox's inbox over a connection made from the given local address; the response's status. */
    private static int listInboxFrom(String localAddress, String passport, String forwardedFor, String userAgent) throws Exception {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), io.restassured.RestAssured.port,
                InetAddress.getByName(localAddress), 0)) {
            socket.setSoTimeout(10_000);
            String request = "GET /api/mail/folders/inbox/messages HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + passport + "\r\nX-Forwarded-For: " + forwardedFor + "\r\n"
                    + "User-Agent: " + userAgent + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    private static KafkaConsumer<String, String> consumer() {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "mail-events-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of("security-events"));
        return consumer;
    }

    private static long unpublished() throws Exception {
        try (Connection db = MailApiTest.superuser(); ResultSet row = db.createStatement().executeQuery(
                "SELECT count(*) FROM outbox_pending")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Each sent or received event row of an actor with its row version (xmin): an UPDATE of the row would change it. */
    private static Map<UUID, String> eventRowVersions(String actorSubject) throws Exception {
        Map<UUID, String> versions = new HashMap<>();
        try (Connection db = MailApiTest.superuser(); var query = db.prepareStatement(
                "SELECT id, xmin::text FROM outbox_event WHERE payload->'actor'->>'subject' = ? "
                        + "AND event_type IN ('MESSAGE_SENT', 'MESSAGE_RECEIVED')")) {
            query.setString(1, actorSubject);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    versions.put((UUID) rows.getObject(1), rows.getString(2));
                }
            }
        }
        return versions;
    }

    private static long outboxSize() throws Exception {
        try (Connection db = MailApiTest.superuser(); ResultSet row = db.createStatement().executeQuery("SELECT count(*) FROM outbox_event")) {
            row.next();
            return row.getLong(1);
        }
    }
}
