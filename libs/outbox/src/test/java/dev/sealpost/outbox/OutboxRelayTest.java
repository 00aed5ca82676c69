package dev.sealpost.outbox;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.events.UuidV7;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.SealpostInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay publishes every committed event exactly once, nothing of a rolled-back transaction, and reads only its batch. */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = @ResourceArg(name = "database", value = "outbox"))
class OutboxRelayTest {

    @Inject
    OutboxRelay relay;
    @Inject
    Outbox outbox;
    @Inject
    Pool pool;

    /**
     * Events committed while the relay is stopped (between a commit and its publish, as in a crash)
     * all arrive once it runs again, each once; the relay takes their ids off outbox_pending and
     * leaves the event rows as they were written; the events of a transaction that rolled back after
     * appending them never leave the database.
     */
    @Test
    void committedEventsArePublishedOnceAfterARelayStopAndRolledBackOnesNever() throws Exception {
        String actor = "relay-" + UUID.randomUUID();
        List<SecurityEvent> committed = List.of(event(actor, "committed 1"), event(actor, "committed 2"), event(actor, "committed 3"));
        try (KafkaConsumer<String, String> consumer = SealpostInfrastructure.kafka().consumerFromNow("security-events")) {
            consumer.poll(Duration.ofMillis(500));
            relay.pause(true);
            pool.withTransaction(transaction -> outbox.appendAll(transaction, committed.subList(0, 2))).await().atMost(Duration.ofSeconds(10));
            pool.withTransaction(transaction -> outbox.appendAll(transaction, committed.subList(2, 3))).await().atMost(Duration.ofSeconds(10));
            SecurityEvent rolledBack = event(actor, "rolled back");
            assertThrows(IllegalStateException.class, () -> pool.withTransaction(transaction -> outbox.appendAll(transaction, List.of(rolledBack))
                    .chain(() -> Uni.createFrom().failure(new IllegalStateException("the change failed after its events")))).await()
                    .atMost(Duration.ofSeconds(10)));
            Map<UUID, String> rows = rowVersions(actor);
            assertEquals(3, rows.size(), "the committed events wait in the outbox, the rolled-back one is not there");
            assertEquals(3, pending(actor));

            relay.pause(false);
            Map<UUID, Integer> received = new HashMap<>();
            List<String> targets = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    SecurityEvent event = SecurityEventCodec.fromJson(record.value());
                    if (actor.equals(event.actor().subject())) {
                        received.merge(event.id(), 1, Integer::sum);
                        targets.add(event.target());
                    }
                }
                return received.size() >= 3 && pending(actor) == 0;
            });
            // a little longer: a second publish of any of them would arrive now
            consumer.poll(Duration.ofSeconds(1)).forEach(record -> {
                SecurityEvent event = SecurityEventCodec.fromJson(record.value());
                if (actor.equals(event.actor().subject())) {
                    received.merge(event.id(), 1, Integer::sum);
                }
            });
            assertEquals(Map.of(committed.get(0).id(), 1, committed.get(1).id(), 1, committed.get(2).id(), 1), received);
            assertTrue(targets.stream().noneMatch(target -> target.contains("rolled back")), targets.toString());
            assertEquals(rows, rowVersions(actor), "no event row rewritten by the relay");
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
        long publishedBits = UuidV7.lowestAt(Instant.now().minus(Duration.ofMinutes(30))).getMostSignificantBits();
        long pendingBits = UuidV7.lowestAt(Instant.now().minus(Duration.ofMinutes(1))).getMostSignificantBits();
        List<UUID> published = new ArrayList<>();
        for (long i = 0; i < 40_000; i++) {
            published.add(new UUID(publishedBits, 0x8000000000000000L | i));
        }
        List<UUID> pending = new ArrayList<>();
        for (long i = 0; i < 12_000; i++) {
            pending.add(new UUID(pendingBits, 0x8000000000000000L | i));
        }
        relay.pause(true); // the test's pending rows must not reach Kafka
        try (Connection db = SealpostInfrastructure.superuserOfApplication()) {
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

    private static SecurityEvent event(String actor, String target) {
        return SecurityEvent.of(SecurityEventType.MESSAGE_SENT, "outbox-test").tenant("consumer")
                .actor(new SecurityEvent.Actor("http://issuer.test", actor, null)).target(target).build();
    }

    /** Each event row of an actor with its row version (xmin): an UPDATE of the row would change it. */
    private static Map<UUID, String> rowVersions(String actorSubject) throws Exception {
        Map<UUID, String> versions = new HashMap<>();
        try (Connection db = SealpostInfrastructure.superuserOfApplication(); var query = db.prepareStatement(
                "SELECT id, xmin::text FROM outbox_event WHERE payload->'actor'->>'subject' = ?")) {
            query.setString(1, actorSubject);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    versions.put((UUID) rows.getObject(1), rows.getString(2));
                }
            }
        }
        return versions;
    }

    private static long pending(String actorSubject) throws Exception {
        try (Connection db = SealpostInfrastructure.superuserOfApplication(); var query = db.prepareStatement(
                "SELECT count(*) FROM outbox_pending p JOIN outbox_event e ON e.id = p.id WHERE e.payload->'actor'->>'subject' = ?")) {
            query.setString(1, actorSubject);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
