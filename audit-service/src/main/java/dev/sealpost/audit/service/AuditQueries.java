package dev.sealpost.audit.service;

import dev.sealpost.audit.domain.EventFilter;
import dev.sealpost.audit.domain.IpLiterals;
import dev.sealpost.audit.repository.AuditEventRepository;
import dev.sealpost.audit.repository.Transactions;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.passport.Passport;
import dev.sealpost.service.rest.KeysetCursor;
import dev.sealpost.service.rest.ProblemException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reading the record: a user's own log (events they did, and events about them: deliveries, who
 * accessed their mailbox), and a SOC analyst's view of their own tenant. Always scoped to the
 * passport's tenant; newest first with keyset pagination.
 */
@ApplicationScoped
public class AuditQueries {

    public static final int MAX_PAGE = 200;
    private static final int EXPORT_PAGE = 1000;

    private final AuditEventRepository events;
    private final Transactions transactions;

    public AuditQueries(AuditEventRepository events, Transactions transactions) {
        this.events = events;
        this.transactions = transactions;
    }

    /** Filters of a query; every field optional. */
    public record Filter(String type, String from, String to, String actor, String outcome, String ip) {

        /** The filter as conditions of the query, or a 400 problem naming the first value that is not one. */
        EventFilter validated() {
            SecurityEventType eventType = null;
            if (type != null) {
                try {
                    eventType = SecurityEventType.valueOf(type);
                } catch (IllegalArgumentException e) {
                    throw ProblemException.badRequest("unknown event type");
                }
            }
            Instant fromTime = from == null ? null : time(from);
            Instant toTime = to == null ? null : time(to);
            if (actor != null) {
                bounded(actor, "actor");
            }
            if (outcome != null && !outcome.equals("SUCCESS") && !outcome.equals("FAILURE")) {
                throw ProblemException.badRequest("outcome is SUCCESS or FAILURE");
            }
            IpLiterals.Cidr network = null;
            if (ip != null && ip.indexOf('/') >= 0) {
                network = IpLiterals.parseCidr(ip)
                        .orElseThrow(() -> ProblemException.badRequest("ip: an address or a CIDR block such as 203.0.113.0/24"));
            } else if (ip != null) {
                bounded(ip, "ip");
            }
            return new EventFilter(eventType, fromTime, toTime, actor, outcome, network, network == null ? ip : null);
        }

        private static Instant time(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw ProblemException.badRequest("times are ISO-8601 instants, e.g. 2026-11-25T10:00:00Z");
            }
        }

        private static void bounded(String value, String name) {
            if (value.length() > 512) {
                throw ProblemException.badRequest(name + " is too long");
            }
        }
    }

    public record Page(List<SecurityEvent> events, String next) {
    }

    public Uni<Page> mine(Passport caller, Filter filter, Integer limit, String after) {
        PageRequest request = PageRequest.checked(filter, limit, after);
        return page(caller.tenant(), caller.subject(), request);
    }

    public Uni<Page> tenant(Passport analyst, Filter filter, Integer limit, String after) {
        PageRequest request = PageRequest.checked(filter, limit, after);
        return recordSearch(analyst, "query", filter).chain(() -> page(analyst.tenant(), null, request));
    }

    /**
     * Every matching event of the analyst's tenant, newest first, one line each in the format; read
     * page by page (keyset, {@value #EXPORT_PAGE} rows), so an export of any size is never held
     * whole in memory, and no transaction stays open while the client reads.
     */
    public Uni<Multi<String>> export(Passport analyst, Filter filter, ExportFormat format) {
        EventFilter conditions = filter.validated(); // bad filters fail before anything is sent
        return recordSearch(analyst, "export format=" + format.name().toLowerCase(Locale.ROOT), filter)
                .replaceWith(() -> Multi.createBy().repeating()
                        .uni(() -> new AtomicReference<String>(), cursor -> page(analyst.tenant(), null,
                                new PageRequest(conditions, cursor(cursor.get()), EXPORT_PAGE)).invoke(result -> cursor.set(result.next())))
                        .whilst(result -> result.next() != null)
                        .onItem().transformToIterable(Page::events)
                        .map(event -> format.line(event) + "\n"));
    }

    /** One page of a query: its conditions, where it starts (null: at the newest) and how many events at most. */
    private record PageRequest(EventFilter conditions, KeysetCursor after, int limit) {

        /** The client's values checked in this order (the first bad one is answered with a 400 problem): limit, cursor, filter. */
        static PageRequest checked(Filter filter, Integer limit, String after) {
            int size = pageSize(limit);
            KeysetCursor cursor = cursor(after);
            return new PageRequest(filter.validated(), cursor, size);
        }
    }

    private Uni<Page> page(String tenant, String participant, PageRequest request) {
        int limit = request.limit();
        return events.page(tenant, participant, request.conditions(), request.after(), limit).map(found -> {
            String next = found.size() < limit ? null
                    : new KeysetCursor(found.get(found.size() - 1).time(), found.get(found.size() - 1).id()).encode();
            return new Page(found, next);
        });
    }

    private static KeysetCursor cursor(String after) {
        return after == null ? null : KeysetCursor.parse(after);
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
        return transactions.inTransaction(transaction -> transaction.append(record));
    }
}
