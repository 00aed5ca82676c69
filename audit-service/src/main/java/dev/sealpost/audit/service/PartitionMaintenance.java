package dev.sealpost.audit.service;

import dev.sealpost.audit.config.AuditConfig;
import dev.sealpost.audit.repository.PartitionRepository;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a monthly partition of {@code audit_event} ready for this month and the next two, and
 * drops partitions entirely older than the retention — never a mass DELETE.
 */
@ApplicationScoped
public class PartitionMaintenance {

    private static final Logger LOG = Logger.getLogger(PartitionMaintenance.class);

    private final PartitionRepository partitions;
    private final AuditConfig config;

    public PartitionMaintenance(PartitionRepository partitions, AuditConfig config) {
        this.partitions = partitions;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        maintain().await().atMost(Duration.ofSeconds(30));
    }

    @Scheduled(every = "${sealpost.audit.partition-maintenance-every}", delayed = "1h", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return maintain().onFailure().invoke(failure -> LOG.warnf("partition maintenance failed (will retry): %s",
                failure.getClass().getSimpleName())).onFailure().recoverWithNull();
    }

    public Uni<Void> maintain() {
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        List<YearMonth> months = new ArrayList<>();
        for (int ahead = -1; ahead <= 2; ahead++) {
            months.add(now.plusMonths(ahead));
        }
        LocalDate cutoff = LocalDate.now(ZoneOffset.UTC).minusDays(config.retention().toDays());
        return partitions.create(months)
                .chain(partitions::months)
                .chain(existing -> {
                    List<YearMonth> expired = new ArrayList<>();
                    existing.forEach(month -> {
                        if (month.plusMonths(1).atDay(1).isBefore(cutoff) || month.plusMonths(1).atDay(1).isEqual(cutoff)) {
                            expired.add(month);
                        }
                    });
                    return Multi.createFrom().iterable(expired)
                            .onItem().transformToUniAndConcatenate(month -> partitions.drop(month)
                                    .invoke(name -> LOG.infof("dropped expired audit partition %s", name)))
                            .collect().asList();
                })
                .replaceWithVoid();
    }
}
