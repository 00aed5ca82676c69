package dev.sealpost.mail.service;

import dev.sealpost.mail.config.MailConfig;
import dev.sealpost.mail.repository.UsageStripes;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Purges messages that have been in the trash longer than the retention (default 30 days), in
 * small batches, each its own short transaction ({@code FOR UPDATE SKIP LOCKED}, so it never waits
 * on a user's request nor holds locks for long), and gives their bytes back to the quota.
 */
@ApplicationScoped
public class TrashRetention {

    private static final Logger LOG = Logger.getLogger(TrashRetention.class);
    /** Largest batch: its messages are locked, deleted and summed in one statement. */
    private static final int MAX_BATCH_SIZE = 10_000;

    /**
     * One batch: the messages, their envelopes' counts (V2_3) and the usage they gave back, in one
     * statement; returns how many messages and which envelopes lost their last copy. The size is a
     * literal, not a parameter: mail-service plans every statement generically, and a generic plan
     * takes {@code LIMIT $n} for a tenth of the rows it expects — on a database of 1.4 million
     * messages it deleted each batch through a hash join over a sequential scan of all of
     * {@code message} and of {@code sealed_envelope} (checked with EXPLAIN). With the
     * literal, the plan probes both primary keys once per message of the batch.
     */
    public static String purgeStatement(int batchSize) {
        return """
                WITH doomed AS (
                    SELECT id FROM message WHERE trashed_at < $1 ORDER BY trashed_at LIMIT %d FOR UPDATE SKIP LOCKED
                ), deleted AS (
                    DELETE FROM message m USING doomed WHERE m.id = doomed.id RETURNING m.mailbox_id, m.size_bytes, m.envelope_id
                ), released AS (
                    UPDATE sealed_envelope e SET copies = e.copies - d.copies
                    FROM (SELECT envelope_id, count(*) AS copies FROM deleted GROUP BY envelope_id) d
                    WHERE e.id = d.envelope_id RETURNING e.id, e.copies
                ), freed AS (
                    INSERT INTO mailbox_usage (mailbox_id, stripe, bytes)
                    SELECT mailbox_id, floor(random() * $2::int)::smallint, -sum(size_bytes) FROM deleted GROUP BY mailbox_id
                    ON CONFLICT (mailbox_id, stripe) DO UPDATE SET bytes = mailbox_usage.bytes + excluded.bytes
                )
                SELECT (SELECT count(*) FROM deleted) AS messages,
                       (SELECT coalesce(array_agg(id), '{}') FROM released WHERE copies = 0) AS unreferenced
                """.formatted(batchSize);
    }

    /** Envelopes whose last copy is gone (their count already taken down in this transaction). */
    private static final String DELETE_UNREFERENCED_ENVELOPES = "DELETE FROM sealed_envelope WHERE id = ANY($1) AND copies = 0";

    private final Pool pool;
    private final MailConfig config;
    private final String purgeStatement;

    public TrashRetention(Pool pool, MailConfig config) {
        this.pool = pool;
        this.config = config;
        if (config.retentionBatchSize() < 1 || config.retentionBatchSize() > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("sealpost.mail.retention-batch-size must be 1.." + MAX_BATCH_SIZE);
        }
        this.purgeStatement = purgeStatement(config.retentionBatchSize());
    }

    @Scheduled(every = "${sealpost.mail.retention-check:1h}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purgeExpired().onFailure().invoke(failure -> LOG.warnf("trash retention failed (will retry): %s",
                failure.getClass().getSimpleName())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Purges every expired message, batch by batch; returns how many. */
    public Uni<Long> purgeExpired() {
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minus(config.trashRetention());
        return purgeBatch(cutoff, 0L);
    }

    private Uni<Long> purgeBatch(OffsetDateTime cutoff, long purgedSoFar) {
        return pool.withTransaction(transaction -> transaction.preparedQuery(purgeStatement)
                        .execute(Tuple.of(cutoff, UsageStripes.COUNT))
                        .chain(rows -> {
                            Row row = rows.iterator().next();
                            long messages = row.getLong("messages");
                            UUID[] unreferenced = row.getArrayOfUUIDs("unreferenced");
                            // most batches purge copies whose envelope another copy still holds: nothing more to do then
                            return unreferenced.length == 0 ? Uni.createFrom().item(messages)
                                    : transaction.preparedQuery(DELETE_UNREFERENCED_ENVELOPES)
                                            .execute(Tuple.of((Object) unreferenced)).replaceWith(messages);
                        }))
                .chain(purged -> {
                    long total = purgedSoFar + purged;
                    return purged == 0 ? Uni.createFrom().item(total) : purgeBatch(cutoff, total);
                });
    }
}
