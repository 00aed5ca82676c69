package dev.sealpost.audit.repository;

import dev.sealpost.audit.domain.EventFilter;
import dev.sealpost.audit.domain.IndexedColumns;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.outbox.SqlArguments;
import dev.sealpost.service.rest.KeysetCursor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.data.Inet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the stored record: a tenant's events newest first, a keyset page at a time (queries and
 * exports), and a tenant's hash chain position by position with each row's hash recomputed by the
 * database (the verifier).
 */
@ApplicationScoped
public class AuditEventRepository {

    /** The columns the queries read, compared with the values derived from each row's hashed payload. */
    private static final String INDEXED_COLUMNS = "id, occurred_at, tenant, type, outcome, actor_issuer, actor_subject, actor_address, "
            + "owner_subject, source_ip, service, host(source_inet) AS inet_host, masklen(source_inet) AS inet_bits";

    private final Pool pool;

    public AuditEventRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * One row of a tenant's chain. A hash column the row does not hold is null.
     *
     * @param recomputedHash the database's {@code sha256(prev_hash || payload)} of the row as stored
     * @param payload        the hashed content, the event's JSON
     * @param stored         the queried columns as the row holds them
     */
    public record ChainRow(long seq, byte[] prevHash, byte[] hash, byte[] recomputedHash, String payload, IndexedColumns stored) {
    }

    /**
     * At most {@code limit} of the tenant's events matching the filter, newest first, starting after
     * {@code after} (null: at the newest). With a {@code participant}, only the events that subject
     * did or that are about them (actor or owner).
     */
    public Uni<List<SecurityEvent>> page(String tenant, String participant, EventFilter filter, KeysetCursor after, int limit) {
        Query query = new Query(tenant, after);
        if (participant != null) {
            String subject = query.arguments.bind(participant);
            query.anyOf("actor_subject = " + subject, "owner_subject = " + subject);
        }
        query.apply(filter);
        return pool.preparedQuery(query.sql(limit)).execute(query.arguments.tuple()).map(rows -> {
            List<SecurityEvent> events = new ArrayList<>();
            rows.forEach(row -> events.add(SecurityEventCodec.fromJson(row.getString("payload"))));
            return events;
        });
    }

    /** The position of the tenant's chain head; 0 when the tenant has no events. */
    public Uni<Long> headSeq(String tenant) {
        return pool.preparedQuery("SELECT seq FROM audit_chain_head WHERE tenant = $1").execute(Tuple.of(tenant))
                .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getLong("seq"));
    }

    /** The hash of the tenant's row at {@code seq}; empty when there is no such row. */
    public Uni<Optional<byte[]>> hashAt(String tenant, long seq) {
        return pool.preparedQuery("SELECT hash FROM audit_event WHERE tenant = $1 AND seq = $2").execute(Tuple.of(tenant, seq))
                .map(rows -> rows.size() == 1 ? Optional.of(rows.iterator().next().getBuffer("hash").getBytes()) : Optional.empty());
    }

    /** The tenant's rows from position {@code from} to {@code to}, in order of position. */
    public Uni<List<ChainRow>> chain(String tenant, long from, long to) {
        return pool.preparedQuery("SELECT seq, prev_hash, hash, sha256(prev_hash || convert_to(payload::text, 'UTF8')) AS recomputed, "
                        + "payload::text AS payload, " + INDEXED_COLUMNS + " FROM audit_event WHERE tenant = $1 AND seq BETWEEN $2 AND $3 "
                        + "ORDER BY seq")
                .execute(Tuple.of(tenant, from, to))
                .map(rows -> {
                    List<ChainRow> chain = new ArrayList<>();
                    rows.forEach(row -> chain.add(new ChainRow(row.getLong("seq"), bytes(row, "prev_hash"), bytes(row, "hash"),
                            bytes(row, "recomputed"), row.getString("payload"), indexedColumns(row))));
                    return chain;
                });
    }

    private static byte[] bytes(Row row, String column) {
        Buffer value = row.getBuffer(column);
        return value == null ? null : value.getBytes();
    }

    private static IndexedColumns indexedColumns(Row row) {
        OffsetDateTime occurredAt = row.getOffsetDateTime("occurred_at");
        return new IndexedColumns(row.getUUID("id"), occurredAt == null ? null : occurredAt.toInstant(), row.getString("tenant"),
                row.getString("type"), row.getString("outcome"), row.getString("actor_issuer"), row.getString("actor_subject"),
                row.getString("actor_address"), row.getString("owner_subject"), row.getString("source_ip"), row.getString("service"),
                IndexedColumns.inetText(row.getString("inet_host"), row.getInteger("inet_bits")));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** Builds one page query; values are always bound, never spliced. */
    private static final class Query {
        private final SqlArguments arguments = new SqlArguments();
        private final StringBuilder where = new StringBuilder();
        private List<String> alternatives = List.of();

        Query(String tenant, KeysetCursor after) {
            where("tenant = " + arguments.bind(tenant));
            if (after != null) {
                where("(occurred_at, id) < (" + arguments.bind(utc(after.time())) + ", " + arguments.bind(after.id()) + ")");
            }
        }

        /**
         * Rows matching at least one of the conditions. Run as one ordered, limited index scan per
         * condition, merged (UNION): an OR across two indexes would sort every match (measured: p99
         * 197 ms for a user with 10,000 events among 10 million, instead of a few ms).
         */
        void anyOf(String... conditions) {
            alternatives = List.of(conditions);
        }

        void where(String condition) {
            where.append(where.length() == 0 ? " WHERE " : " AND ").append(condition);
        }

        void apply(EventFilter filter) {
            if (filter.type() != null) {
                where("type = " + arguments.bind(filter.type().name()));
            }
            if (filter.from() != null) {
                where("occurred_at >= " + arguments.bind(utc(filter.from())));
            }
            if (filter.to() != null) {
                where("occurred_at < " + arguments.bind(utc(filter.to())));
            }
            if (filter.actor() != null) {
                where("actor_subject = " + arguments.bind(filter.actor()));
            }
            if (filter.outcome() != null) {
                where("outcome = " + arguments.bind(filter.outcome()));
            }
            if (filter.sourceNetwork() != null) {
                where("source_inet <<= " + arguments.bind(new Inet().setAddress(filter.sourceNetwork().network())
                        .setNetmask(filter.sourceNetwork().prefixLength())));
            } else if (filter.sourceIp() != null) {
                where("source_ip = " + arguments.bind(filter.sourceIp()));
            }
        }

        String sql(int limit) {
            String order = " ORDER BY occurred_at DESC, id DESC LIMIT " + limit;
            return alternatives.isEmpty() ? "SELECT payload::text AS payload FROM audit_event" + where + order
                    : "SELECT payload::text AS payload FROM (" + String.join(" UNION ", alternatives.stream()
                            .map(condition -> "(SELECT id, occurred_at, payload FROM audit_event" + where + " AND " + condition + order + ")")
                            .toList()) + ") AS matching" + order;
        }
    }
}
