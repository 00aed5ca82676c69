package dev.sealpost.mail.service;

import dev.sealpost.mail.config.MailConfig;
import dev.sealpost.mail.repository.RetentionRepository;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;

/**
 * Forgets Idempotency-Keys older than the retention (default 24 hours, as payment APIs keep theirs):
 * a client retries a send within minutes, and every send made through the CLI carries a key, so
 * without this the table would grow by a row per send forever. A retry after the retention is a new
 * send. Oldest first, batch by batch ({@link RetentionRepository#purgeIdempotencyKeyBatch}).
 */
@ApplicationScoped
public class IdempotencyKeyRetention {

    private static final Logger LOG = Logger.getLogger(IdempotencyKeyRetention.class);

    private final RetentionRepository retention;
    private final MailConfig config;
    private final Clock clock;

    public IdempotencyKeyRetention(RetentionRepository retention, MailConfig config, Clock clock) {
        this.retention = retention;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${sealpost.mail.retention-check}", delayed = "40s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purgeExpired().onFailure().invoke(failure -> LOG.warnf("Idempotency-Key retention failed (will retry): %s",
                failure.getClass().getSimpleName())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Forgets every expired key, batch by batch; returns how many. */
    public Uni<Long> purgeExpired() {
        return purgeFrom(clock.instant().minus(config.idempotencyKeyRetention()), 0L);
    }

    private Uni<Long> purgeFrom(Instant cutoff, long purgedSoFar) {
        return retention.purgeIdempotencyKeyBatch(cutoff).chain(purged -> purged < RetentionRepository.IDEMPOTENCY_KEY_BATCH
                ? Uni.createFrom().item(purgedSoFar + purged) : purgeFrom(cutoff, purgedSoFar + purged));
    }
}
