package dev.sealpost.mail.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The retention deletes: trashed messages past their retention and old Idempotency-Keys. Each call
 * is one small batch in its own short transaction with {@code FOR UPDATE SKIP LOCKED}, so it never
 * waits on a user's request nor holds locks for long; the caller loops until a batch comes back
 * short.
 */
@ApplicationScoped
public class RetentionRepository {

    /** Largest trash batch: its messages are locked, deleted and summed in one statement. */
    public static final int MAX_TRASH_BATCH = 10_000;
    public static final int IDEMPOTENCY_KEY_BATCH = 5_000;

    /**
     * One trash batch: the messages, their envelopes' counts (V2_3) and the usage they gave back, in
     * one statement; returns how many messages and which envelopes lost their last copy. The size is
     * a literal, not a parameter: mail-service plans every statement generically, and a generic plan
     * takes {@code LIMIT $n} for a tenth of the rows it expects — on a database of 1.4 million
     * messages it deleted each batch through a hash join over a sequential scan of all of
     * {@code message} and of {@code sealed_envelope} (checked with EXPLAIN). With the literal, the
     * plan probes both primary keys once per message of the batch.
     */
    public static String trashPurgeStatement(int batchSize) {
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

    /**
     * One batch of Idempotency-Keys: the oldest by the {@code created_at} index, deleted by their row
     * addresses (a TID scan). Joined back by primary key instead, the batch was planned as a hash join
     * over a sequential scan of the whole table (EXPLAIN over 100,000 keys; the test checks the plan).
     * The size is a literal for the reason {@link #trashPurgeStatement} gives. The rows are locked, so
     * their addresses hold.
     */
    public static final String IDEMPOTENCY_KEY_PURGE = """
            DELETE FROM send_request WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM send_request WHERE created_at < $1 ORDER BY created_at LIMIT %d FOR UPDATE SKIP LOCKED))
            """.formatted(IDEMPOTENCY_KEY_BATCH);

    private final Pool pool;

    public RetentionRepository(Pool pool) {
        this.pool = pool;
    }

    /** Purges one batch of messages trashed before {@code cutoff} (a statement of {@link #trashPurgeStatement}); returns how many. */
    public Uni<Long> purgeTrashBatch(String statement, Instant cutoff) {
        return pool.withTransaction(transaction -> transaction.preparedQuery(statement)
                .execute(Tuple.of(utc(cutoff), UsageStripes.COUNT))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    long messages = row.getLong("messages");
                    UUID[] unreferenced = row.getArrayOfUUIDs("unreferenced");
                    // most batches purge copies whose envelope another copy still holds: nothing more to do then
                    return unreferenced.length == 0 ? Uni.createFrom().item(messages)
                            : transaction.preparedQuery(DELETE_UNREFERENCED_ENVELOPES)
                                    .execute(Tuple.of((Object) unreferenced)).replaceWith(messages);
                }));
    }

    /** Forgets one batch (at most {@link #IDEMPOTENCY_KEY_BATCH}) of Idempotency-Keys recorded before {@code cutoff}; returns how many. */
    public Uni<Long> purgeIdempotencyKeyBatch(Instant cutoff) {
        return pool.withTransaction(transaction -> transaction.preparedQuery(IDEMPOTENCY_KEY_PURGE).execute(Tuple.of(utc(cutoff))))
                .map(rows -> (long) rows.rowCount());
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
