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
 * Purges messages that have been in the trash longer than the retention (default 30 days), batch
 * by batch ({@link RetentionRepository#purgeTrashBatch}), and gives their bytes back to the quota.
 */
@ApplicationScoped
public class TrashRetention {

    private static final Logger LOG = Logger.getLogger(TrashRetention.class);

    private final RetentionRepository retention;
    private final MailConfig config;
    private final Clock clock;
    private final String purgeStatement;

    public TrashRetention(RetentionRepository retention, MailConfig config, Clock clock) {
        this.retention = retention;
        this.config = config;
        this.clock = clock;
        if (config.retentionBatchSize() < 1 || config.retentionBatchSize() > RetentionRepository.MAX_TRASH_BATCH) {
            throw new IllegalArgumentException("sealpost.mail.retention-batch-size must be 1.." + RetentionRepository.MAX_TRASH_BATCH);
        }
        this.purgeStatement = RetentionRepository.trashPurgeStatement(config.retentionBatchSize());
    }

    @Scheduled(every = "${sealpost.mail.retention-check}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return purgeExpired().onFailure().invoke(failure -> LOG.warnf("trash retention failed (will retry): %s",
                failure.getClass().getSimpleName())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Purges every expired message, batch by batch; returns how many. */
    public Uni<Long> purgeExpired() {
        return purgeFrom(clock.instant().minus(config.trashRetention()), 0L);
    }

    private Uni<Long> purgeFrom(Instant cutoff, long purgedSoFar) {
        return retention.purgeTrashBatch(purgeStatement, cutoff).chain(purged -> {
            long total = purgedSoFar + purged;
            return purged == 0 ? Uni.createFrom().item(total) : purgeFrom(cutoff, total);
        });
    }
}
