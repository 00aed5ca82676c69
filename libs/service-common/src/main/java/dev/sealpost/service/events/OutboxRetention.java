package dev.sealpost.service.events;

import dev.sealpost.events.UuidV7;
import dev.sealpost.service.config.EventsConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * Deletes published events older than the retention from the outbox table, so that it holds what
 * is waiting for Kafka plus a short history, not every event ever. Event ids are UUIDv7, ordered by
 * time, so each batch is a range scan of the primary key (no extra index); batches of 5,000, each
 * its own statement, so no long lock. Events still pending (in {@code outbox_pending}) are never deleted, however old.
 */
@ApplicationScoped
public class OutboxRetention {

    static final int BATCH = 5_000;
    private static final String PURGE = "DELETE FROM outbox_event WHERE id IN (SELECT e.id FROM outbox_event e "
            + "WHERE e.id < $1 AND NOT EXISTS (SELECT 1 FROM outbox_pending p WHERE p.id = e.id) ORDER BY e.id LIMIT $2)";

    private final Pool pool;
    private final EventsConfig config;

    public OutboxRetention(Pool pool, EventsConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "1m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purgeExpired() {
        return purgePublishedBefore(Instant.now().minus(config.outboxRetention())).replaceWithVoid();
    }

    /** Deletes the published events created before {@code cutoff}; returns how many. */
    public Uni<Long> purgePublishedBefore(Instant cutoff) {
        return purgeFrom(cutoff, 0);
    }

    private Uni<Long> purgeFrom(Instant cutoff, long purgedSoFar) {
        return pool.preparedQuery(PURGE).execute(Tuple.of(UuidV7.lowestAt(cutoff), BATCH)).chain(rows -> {
            long total = purgedSoFar + rows.rowCount();
            return rows.rowCount() == BATCH ? purgeFrom(cutoff, total) : Uni.createFrom().item(total);
        });
    }
}
