package dev.sealpost.audit.service;

import dev.sealpost.audit.config.AuditConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a monthly partition of {@code audit_event} ready for this month and the next two, and
 * drops partitions entirely older than the retention — never a mass DELETE.
 */
@ApplicationScoped
public class PartitionMaintenance {

    private static final Logger LOG = Logger.getLogger(PartitionMaintenance.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'audit_event_'yyyy_MM");

    private final Pool pool;
    private final AuditConfig config;

    public PartitionMaintenance(Pool pool, AuditConfig config) {
        this.pool = pool;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        maintain().await().atMost(Duration.ofSeconds(30));
    }

    @Scheduled(every = "6h", delayed = "1h", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return maintain().onFailure().invoke(failure -> LOG.warnf("partition maintenance failed (will retry): %s",
                failure.getClass().getSimpleName())).onFailure().recoverWithNull();
    }

    public Uni<Void> maintain() {
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        List<String> statements = new ArrayList<>();
        for (int ahead = -1; ahead <= 2; ahead++) {
            YearMonth month = now.plusMonths(ahead);
            statements.add("CREATE TABLE IF NOT EXISTS " + month.atDay(1).format(NAME) + " PARTITION OF audit_event FOR VALUES FROM ('"
                    + month.atDay(1) + "') TO ('" + month.plusMonths(1).atDay(1) + "')");
        }
        LocalDate cutoff = LocalDate.now(ZoneOffset.UTC).minusDays(config.retention().toDays());
        return pool.withTransaction(transaction -> io.smallrye.mutiny.Multi.createFrom().iterable(statements)
                        .onItem().transformToUniAndConcatenate(sql -> transaction.query(sql).execute())
                        .collect().asList())
                .chain(() -> pool.query("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        + "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'audit_event' AND c.relname LIKE 'audit_event_2%'").execute())
                .chain(rows -> {
                    List<String> expired = new ArrayList<>();
                    rows.forEach(row -> {
                        String name = row.getString("relname");
                        YearMonth month = YearMonth.parse(name.substring("audit_event_".length()).replace('_', '-'));
                        if (month.plusMonths(1).atDay(1).isBefore(cutoff) || month.plusMonths(1).atDay(1).isEqual(cutoff)) {
                            expired.add(name);
                        }
                    });
                    return io.smallrye.mutiny.Multi.createFrom().iterable(expired)
                            .onItem().transformToUniAndConcatenate(name -> pool.query("DROP TABLE " + name).execute()
                                    .invoke(() -> LOG.infof("dropped expired audit partition %s", name)))
                            .collect().asList();
                })
                .replaceWithVoid();
    }
}
