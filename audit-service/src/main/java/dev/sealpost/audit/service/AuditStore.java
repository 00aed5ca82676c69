package dev.sealpost.audit.service;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.audit.domain.IpLiterals;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.data.Inet;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Writes events idempotently into each tenant's hash chain: a redelivered event (same id and time)
 * is skipped, never stored twice. Events of one batch are appended in tenant-then-time order, so
 * concurrent batches lock chain heads in the same order.
 */
@ApplicationScoped
public class AuditStore {

    /** Appends to the tenant's hash chain (V2_1__hash_chain.sql, V2_2__source_inet.sql); skips an event already stored. */
    private static final String INSERT = "SELECT append_audit_event($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

    private final Pool pool;

    public AuditStore(Pool pool) {
        this.pool = pool;
    }

    /** Stores a batch in one transaction; returns when it is committed. */
    public Uni<Void> store(List<SecurityEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = events.stream()
                .sorted(java.util.Comparator.comparing(SecurityEvent::tenant).thenComparing(SecurityEvent::time).thenComparing(SecurityEvent::id))
                .map(event -> Tuple.tuple(java.util.Arrays.asList(event.id(),
                OffsetDateTime.ofInstant(event.time(), ZoneOffset.UTC), event.tenant(), event.type().name(), event.outcome().name(),
                event.actor().issuer(), event.actor().subject(), event.actor().address(),
                event.owner() == null ? null : event.owner().subject(), event.sourceIp(), event.service(),
                new JsonObject(SecurityEventCodec.toJson(event)),
                IpLiterals.parse(event.sourceIp()).map(address -> new Inet().setAddress(address)).orElse(null)))).toList();
        return pool.withTransaction(transaction -> transaction.preparedQuery(INSERT).executeBatch(rows)).replaceWithVoid();
    }
}
