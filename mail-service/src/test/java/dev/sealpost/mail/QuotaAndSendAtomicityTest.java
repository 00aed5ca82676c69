package dev.sealpost.mail;

import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.mail.service.TrashRetention;
import dev.sealpost.outbox.OutboxRelay;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.SealpostInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.sealpost.mail.MailTestSupport.as;
import static dev.sealpost.mail.MailTestSupport.passport;
import static dev.sealpost.mail.MailTestSupport.send;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full mailbox refuses sends; a send and its events are written together or not at all, and published once. */
@QuarkusTest
@TestProfile(SmallLimitsProfile.class)
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "mail"), @ResourceArg(name = "passportAudience", value = "mail-service")})
class QuotaAndSendAtomicityTest {

    private static final PrivateKeys ERIN = PrivateKeys.generate();

    @Inject
    OutboxRelay relay;
    @Inject
    TrashRetention retention;

    @Test
    void aFullMailboxRefusesWithAClearProblemAndNeverGoesOver() throws Exception {
        String sender = passport("consumer", "quota-sender", "quota-sender@sealpost.test");
        String erin = passport("consumer", "erin", "erin@sealpost.test");
        as(sender).get("/api/mail/quota").then().statusCode(200);
        as(erin).get("/api/mail/quota").then().statusCode(200);
        int accepted = 0;
        while (true) {
            var response = send(sender, MailTestSupport.seal("fill " + accepted, List.of(ERIN.publicBundle())), "erin@sealpost.test");
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
        String envelope = MailTestSupport.envelopeOf(first);
        as(erin).delete("/api/mail/messages/" + first).then().statusCode(204);
        assertEquals(1L, retention.purgeExpired().await().atMost(Duration.ofSeconds(10)));
        as(erin).get("/api/mail/messages/" + first).then().statusCode(404);
        assertTrue(((Number) as(erin).get("/api/mail/quota").path("usedBytes")).longValue() < used);
        // the sender's copy keeps the envelope; once retention purges that one too, the envelope goes
        assertEquals(List.of(1L, 1L), MailTestSupport.envelopeCopiesAndReferences(envelope));
        String sendersCopy = as(sender).queryParam("limit", 200).get("/api/mail/folders/sent/messages").jsonPath()
                .getList("messages.id", String.class).stream().filter(id -> MailTestSupport.envelopeOf(id).equals(envelope)).findFirst().orElseThrow();
        as(sender).delete("/api/mail/messages/" + sendersCopy).then().statusCode(204);
        assertEquals(1L, retention.purgeExpired().await().atMost(Duration.ofSeconds(10)));
        assertEquals(List.of(), MailTestSupport.envelopeCopiesAndReferences(envelope));
    }

    @Test
    void committedEventsArePublishedAfterARelayStopAndARolledBackSendPublishesNothing() throws Exception {
        String frank = passport("consumer", "frank", "frank@sealpost.test");
        String gina = passport("acme", "gina", "gina@acme.test");
        as(frank).get("/api/mail/quota").then().statusCode(200);
        as(gina).get("/api/mail/quota").then().statusCode(200);
        try (KafkaConsumer<String, String> consumer = SealpostInfrastructure.kafka().consumerFromNow("security-events")) {
            consumer.poll(Duration.ofMillis(500));
            // the relay stops between the commit and the publish
            relay.pause(true);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(send(frank, MailTestSupport.seal("crash window " + i, List.of(ERIN.publicBundle())), "gina@acme.test")
                        .then().statusCode(201).extract().path("messageId"));
            }
            assertTrue(unpublished() >= 6, "sent and received events wait in the outbox");
            // a send that fails inside its one statement, while writing a copy
            try (Connection db = MailTestSupport.superuser(); Statement statement = db.createStatement()) {
                statement.execute("CREATE FUNCTION refuse_gina() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF NEW.mailbox_id = (SELECT id FROM mailbox WHERE address = 'gina@acme.test') THEN "
                        + "RAISE EXCEPTION 'simulated failure'; END IF; RETURN NEW; END $$");
                statement.execute("CREATE TRIGGER refuse_gina BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION refuse_gina()");
            }
            long outboxBefore = outboxSize();
            long pendingBefore = unpublished();
            send(frank, MailTestSupport.seal("rolled back", List.of(ERIN.publicBundle())), "gina@acme.test").then().statusCode(500);
            assertEquals(outboxBefore, outboxSize(), "a rolled-back send leaves no event");
            assertEquals(pendingBefore, unpublished(), "and nothing pending");
            try (Connection db = MailTestSupport.superuser(); Statement statement = db.createStatement()) {
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
        try (Connection db = MailTestSupport.superuser(); Statement statement = db.createStatement()) {
            statement.execute("CREATE FUNCTION take_ivans_key() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.sender_address = 'ivan@sealpost.test' THEN INSERT INTO send_request VALUES ((SELECT id FROM mailbox "
                    + "WHERE address = 'ivan@sealpost.test'), 'raced-key', gen_random_uuid(), now()); END IF; "
                    + "RETURN NEW; END $$");
            statement.execute("CREATE TRIGGER take_ivans_key BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION take_ivans_key()");
        }
        long outboxBefore = outboxSize();
        try {
            as(ivan).header("Idempotency-Key", "raced-key").contentType("application/octet-stream")
                    .body(MailTestSupport.seal("raced", List.of(ERIN.publicBundle()))).queryParam("to", "judy@sealpost.test")
                    .post("/api/mail/messages").then().statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("Idempotency-Key"));
        } finally {
            try (Connection db = MailTestSupport.superuser(); Statement statement = db.createStatement()) {
                statement.execute("DROP TRIGGER take_ivans_key ON message");
            }
        }
        assertEquals(outboxBefore, outboxSize(), "no event of the refused send");
        try (Connection db = MailTestSupport.superuser(); ResultSet rows = db.createStatement().executeQuery(
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

    private static long unpublished() throws Exception {
        try (Connection db = MailTestSupport.superuser(); ResultSet row = db.createStatement().executeQuery(
                "SELECT count(*) FROM outbox_pending")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Each sent or received event row of an actor with its row version (xmin): an UPDATE of the row would change it. */
    private static Map<UUID, String> eventRowVersions(String actorSubject) throws Exception {
        Map<UUID, String> versions = new HashMap<>();
        try (Connection db = MailTestSupport.superuser(); var query = db.prepareStatement(
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
        try (Connection db = MailTestSupport.superuser(); ResultSet row = db.createStatement().executeQuery("SELECT count(*) FROM outbox_event")) {
            row.next();
            return row.getLong(1);
        }
    }
}
