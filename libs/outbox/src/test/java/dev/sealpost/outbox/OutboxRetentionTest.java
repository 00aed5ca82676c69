package dev.sealpost.outbox;

import dev.sealpost.events.UuidV7;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.QueryPlans;
import dev.sealpost.testing.SealpostInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Published events leave the outbox after the retention, pending ones never, by index range whatever the backlog. */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = @ResourceArg(name = "database", value = "outbox"))
class OutboxRetentionTest {

    @Inject
    OutboxRelay relay;
    @Inject
    OutboxRetention outboxRetention;

   @Test
    void publishedEventsLeaveTheOutboxAfterTheRetentionPendingOnesNever() throws Exception {
        Instant now = Instant.now();
        // more than two of the purge's batches (5,000) of old events, all in one millisecond; one of them,
        // inside the first batch, still pending
        long oldMillisBits = UuidV7.lowestAt(now.minus(Duration.ofHours(3))).getMostSignificantBits();
        List<UUID> all = new ArrayList<>();
        for (long i = 0; i < 10_002; i++) {
            all.add(new UUID(oldMillisBits, 0x8000000000000000L | i));
        }
        UUID oldPending = all.get(2_500);
        UUID recentPublished = UuidV7.next();
        all.add(recentPublished);
        relay.pause(true); // the pending test row must not reach Kafka
        try (Connection db = SealpostInfrastructure.superuserOfApplication()) {
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
     * mail-service plans every statement generically (plan_cache_mode=force_generic_plan), and so
     * the purge: its plan must walk the primary key's range, never scan the whole outbox per
     * batch (a backlog of millions of events was once purged at ~1,100 rows a second that way).
     */
    private static void assertPurgeReadsOnlyTheRangeOfTheIndex(Connection db) throws Exception {
        try (Statement sql = db.createStatement()) {
            String plan = QueryPlans.generic(sql, "(uuid, uuid)", OutboxRetention.PURGE_BATCH,
                    "('" + new UUID(0, 0) + "', '" + UuidV7.lowestAt(Instant.now()) + "')");
            assertTrue(!plan.contains("Seq Scan on outbox_event") && plan.contains("outbox_event_pkey"),
                    "the purge scans the outbox's primary key by range:\n" + plan);
        }
    }
}
