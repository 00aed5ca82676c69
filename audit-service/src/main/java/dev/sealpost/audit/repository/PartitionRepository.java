package dev.sealpost.audit.repository;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The monthly partitions of {@code audit_event}, one table per calendar month (UTC), named {@code audit_event_yyyy_MM}. */
@ApplicationScoped
public class PartitionRepository {

    private static final String PREFIX = "audit_event_";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'" + PREFIX + "'yyyy_MM");

    private final Pool pool;

    public PartitionRepository(Pool pool) {
        this.pool = pool;
    }

    /** Creates the partitions of the months that have none, in one transaction. */
    public Uni<Void> create(List<YearMonth> months) {
        List<String> statements = months.stream().map(month -> "CREATE TABLE IF NOT EXISTS " + month.atDay(1).format(NAME)
                + " PARTITION OF audit_event FOR VALUES FROM ('" + month.atDay(1) + "') TO ('" + month.plusMonths(1).atDay(1) + "')").toList();
        return pool.withTransaction(transaction -> Multi.createFrom().iterable(statements)
                        .onItem().transformToUniAndConcatenate(sql -> transaction.query(sql).execute())
                        .collect().asList())
                .replaceWithVoid();
    }

    /** The months that have a partition. */
    public Uni<List<YearMonth>> months() {
        return pool.query("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        + "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'audit_event' AND c.relname LIKE 'audit_event_2%'").execute()
                .map(rows -> {
                    List<YearMonth> months = new ArrayList<>();
                    rows.forEach(row -> months.add(YearMonth.parse(row.getString("relname").substring(PREFIX.length()).replace('_', '-'))));
                    return months;
                });
    }

    /** Drops the month's partition with every event in it; returns the table's name. */
    public Uni<String> drop(YearMonth month) {
        String name = month.atDay(1).format(NAME);
        return pool.query("DROP TABLE " + name).execute().replaceWith(name);
    }
}
