package dev.sealpost.mail.service;

import dev.sealpost.mail.config.MailConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Forgets Idempotency-Keys older than the retention (default 24 hours, as payment APIs keep theirs):
 * a client retries a send within minutes, and every send made through the CLI carries a key, so
 * without this the table would grow by a row per send forever. A retry after the retention is a new
 * send. Batches of {@link #BATCH_SIZE}, each its own short transaction, oldest first.
 */
@ApplicationScoped
public class IdempotencyKeyRetention {

    private static final Logger LOG = Logger.getLogger(IdempotencyKeyRetention.class);
    static final int BATCH_SIZE = 5_000;

    /**
     * One batch: the oldest keys by the {@code created_at} index, deleted by their row addresses (a TID
     * scan). Joined back by primary key instead, the batch was planned as a hash join over a sequential
     * scan of the whole table (EXPLAIN over 100,000 keys; the test checks the plan). The size is a
     * literal: planned generically, as every statement of this service, {@code LIMIT $n} would be taken
     * for a tenth of the table (TrashRetention says more). The rows are locked, so their addresses hold.
     */
    public static final String PURGE_BATCH = """
            DELETE FROM send_request WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM send_request WHERE created_at < $1 ORDER BY created_at LIMIT %d FOR UPDATE SKIP LOCKED))
            """.formatted(BATCH_SIZE);

    private final Pool pool;
    private final MailConfig config;

    public IdempotencyKeyRetention(Pool pool, MailConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "${sealpost.mail.retention-check:1h}", delayed = "40s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purgeExpired().onFailure().invoke(failure -> LOG.warnf("Idempotency-Key retention failed (will retry): %s",
                failure.getClass().getSimpleName())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Forgets every expired key, batch by batch; returns how many. */
    public Uni<Long> purgeExpired() {
        return purgeBatch(OffsetDateTime.now(ZoneOffset.UTC).minus(config.idempotencyKeyRetention()), 0L);
    }

    private Uni<Long> purgeBatch(OffsetDateTime cutoff, long purgedSoFar) {
        return pool.withTransaction(transaction -> transaction.preparedQuery(PURGE_BATCH).execute(Tuple.of(cutoff)))
                .map(rows -> (long) rows.rowCount())
                .chain(purged -> purged < BATCH_SIZE ? Uni.createFrom().item(purgedSoFar + purged) : purgeBatch(cutoff, purgedSoFar + purged));
    }
}
