package dev.sealpost.audit.service;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.passport.Passport;
import dev.sealpost.outbox.Outbox;
import dev.sealpost.service.rest.KeysetCursor;
import dev.sealpost.service.rest.ProblemException;
import dev.sealpost.audit.domain.IpLiterals;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.data.Inet;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading the record: a user's own log (events they did, and events about them: deliveries, who
 * accessed their mailbox), and a SOC analyst's view of their own tenant. Always scoped to the
 * passport's tenant; newest first with keyset pagination.
 */
@ApplicationScoped
public class AuditQueries {

    public static final int MAX_PAGE = 200;
    private static final int EXPORT_PAGE = 1000;

    private final Pool pool;
    private final Outbox outbox;

    public AuditQueries(Pool pool, Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /** Filters of a query; every field optional. */
    public record Filter(String type, String from, String to, String actor, String outcome, String ip) {
    }

    public record Page(List<SecurityEvent> events, String next) {
    }

    public Uni<Page> mine(Passport caller, Filter filter, Integer limit, String after) {
        Query query = new Query(caller.tenant(), pageSize(limit), after);
        String subject = query.bind(caller.subject());
        query.anyOf("actor_subject = " + subject, "owner_subject = " + subject);
        query.apply(filter);
        return query.run(pool);
    }

    public Uni<Page> tenant(Passport analyst, Filter filter, Integer limit, String after) {
        Query query = new Query(analyst.tenant(), pageSize(limit), after);
        query.apply(filter);
        return recordSearch(analyst, "query", filter).chain(() -> query.run(pool));
    }

    /**
     * Every matching event of the analyst's tenant, newest first, one line each in the format; read
     * page by page (keyset, {@value #EXPORT_PAGE} rows), so an export of any size is never held
     * whole in memory, and no transaction stays open while the client reads.
     */
    public Uni<Multi<String>> export(Passport analyst, Filter filter, ExportFormat format) {
        new Query(analyst.tenant(), EXPORT_PAGE, null).apply(filter); // bad filters fail before anything is sent
        return recordSearch(analyst, "export format=" + format.name().toLowerCase(java.util.Locale.ROOT), filter)
                .replaceWith(() -> Multi.createBy().repeating()
                        .uni(() -> new java.util.concurrent.atomic.AtomicReference<String>(), cursor -> {
                            Query page = new Query(analyst.tenant(), EXPORT_PAGE, cursor.get());
                            page.apply(filter);
                            return page.run(pool).invoke(result -> cursor.set(result.next()));
                        })
                        .whilst(result -> result.next() != null)
                        .onItem().transformToIterable(Page::events)
                        .map(event -> format.line(event) + "\n"));
    }

    private static int pageSize(Integer limit) {
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw ProblemException.badRequest("limit must be 1.." + MAX_PAGE);
        }
        return size;
    }

    // who searched for what is itself on the record, before the answer goes out
    private Uni<Void> recordSearch(Passport analyst, String kind, Filter filter) {
        String searched = kind + " type=" + filter.type() + " from=" + filter.from() + " to=" + filter.to() + " actor=" + filter.actor()
                + " outcome=" + filter.outcome() + " ip=" + filter.ip();
        SecurityEvent record = SecurityEvent.of(SecurityEventType.AUDIT_QUERIED, "audit-service").tenant(analyst.tenant())
                .actor(new SecurityEvent.Actor(analyst.issuer(), analyst.subject(), analyst.address())).target(searched).build();
        return pool.withTransaction(transaction -> outbox.append(transaction, record));
    }

    /** Builds one parameterised query; values are always bound, never spliced. */
    private static final class Query {
        private final List<Object> values = new ArrayList<>();
        private final StringBuilder where = new StringBuilder();
        private List<String> alternatives = List.of();
        private final int limit;

        Query(String tenant, int limit, String after) {
            this.limit = limit;
            where("tenant = " + bind(tenant));
            if (after != null) {
                KeysetCursor cursor = KeysetCursor.parse(after);
                where("(occurred_at, id) < (" + bind(OffsetDateTime.ofInstant(cursor.time(), ZoneOffset.UTC)) + ", " + bind(cursor.id()) + ")");
            }
        }

        String bind(Object value) {
            values.add(value);
            return "$" + values.size();
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

        void apply(Filter filter) {
            if (filter.type() != null) {
                try {
                    where("type = " + bind(SecurityEventType.valueOf(filter.type()).name()));
                } catch (IllegalArgumentException e) {
                    throw ProblemException.badRequest("unknown event type");
                }
            }
            if (filter.from() != null) {
                where("occurred_at >= " + bind(time(filter.from())));
            }
            if (filter.to() != null) {
                where("occurred_at < " + bind(time(filter.to())));
            }
            if (filter.actor() != null) {
                where("actor_subject = " + bind(bounded(filter.actor(), "actor")));
            }
            if (filter.outcome() != null) {
                if (!filter.outcome().equals("SUCCESS") && !filter.outcome().equals("FAILURE")) {
                    throw ProblemException.badRequest("outcome is SUCCESS or FAILURE");
                }
                where("outcome = " + bind(filter.outcome()));
            }
            if (filter.ip() != null && filter.ip().indexOf('/') >= 0) {
                IpLiterals.Cidr cidr = IpLiterals.parseCidr(filter.ip())
                        .orElseThrow(() -> ProblemException.badRequest("ip: an address or a CIDR block such as 203.0.113.0/24"));
                where("source_inet <<= " + bind(new Inet().setAddress(cidr.network()).setNetmask(cidr.prefixLength())));
            } else if (filter.ip() != null) {
                where("source_ip = " + bind(bounded(filter.ip(), "ip")));
            }
        }

        Uni<Page> run(Pool pool) {
            String order = " ORDER BY occurred_at DESC, id DESC LIMIT " + limit;
            String sql = alternatives.isEmpty() ? "SELECT payload::text AS payload FROM audit_event" + where + order
                    : "SELECT payload::text AS payload FROM (" + String.join(" UNION ", alternatives.stream()
                            .map(condition -> "(SELECT id, occurred_at, payload FROM audit_event" + where + " AND " + condition + order + ")")
                            .toList()) + ") AS matching" + order;
            return pool.preparedQuery(sql).execute(Tuple.tuple(values)).map(rows -> {
                List<SecurityEvent> events = new ArrayList<>();
                rows.forEach(row -> events.add(SecurityEventCodec.fromJson(row.getString("payload"))));
                String next = events.size() < limit ? null
                        : new KeysetCursor(events.get(events.size() - 1).time(), events.get(events.size() - 1).id()).encode();
                return new Page(events, next);
            });
        }

        private static OffsetDateTime time(String value) {
            try {
                return OffsetDateTime.ofInstant(Instant.parse(value), ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw ProblemException.badRequest("times are ISO-8601 instants, e.g. 2026-11-25T10:00:00Z");
            }
        }

        private static String bounded(String value, String name) {
            if (value.length() > 512) {
                throw ProblemException.badRequest(name + " is too long");
            }
            return value;
        }
    }
}
