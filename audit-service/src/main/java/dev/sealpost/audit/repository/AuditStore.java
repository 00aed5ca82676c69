package dev.sealpost.audit.repository;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.audit.domain.IndexedColumns;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes events idempotently into each tenant's hash chain: a redelivered event (same id and time)
 * is skipped, never stored twice. A batch is one call of a PL/pgSQL function that locks each
 * tenant's chain head once, hashes the events in order and inserts them in one statement.
 */
@ApplicationScoped
public class AuditStore {

    /** Appends a batch to the tenants' hash chains (V2_5__batch_append.sql); skips events already stored. */
    private static final String APPEND = "SELECT append_audit_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

    private final Pool pool;

    public AuditStore(Pool pool) {
        this.pool = pool;
    }

    /** Stores a batch in one transaction and one round trip; returns when it is committed. */
    public Uni<Void> store(List<SecurityEvent> batch) {
        // one row per event: a record delivered twice in one batch must not claim two chain positions
        Map<UUID, SecurityEvent> unique = new LinkedHashMap<>();
        batch.forEach(event -> unique.putIfAbsent(event.id(), event));
        if (unique.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // tenant, then time order: the chain follows event time, and concurrent batches lock chain heads in one order
        List<SecurityEvent> events = unique.values().stream()
                .sorted(Comparator.comparing(SecurityEvent::tenant).thenComparing(SecurityEvent::time).thenComparing(SecurityEvent::id))
                .toList();
        int n = events.size();
        UUID[] ids = new UUID[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[][] text = new String[11][n];
        for (int i = 0; i < n; i++) {
            SecurityEvent event = events.get(i);
            // the queried columns are exactly what ChainVerifier derives again from the hashed payload
            IndexedColumns columns = IndexedColumns.of(event);
            ids[i] = columns.id();
            times[i] = OffsetDateTime.ofInstant(columns.occurredAt(), ZoneOffset.UTC);
            text[0][i] = columns.tenant();
            text[1][i] = columns.type();
            text[2][i] = columns.outcome();
            text[3][i] = columns.actorIssuer();
            text[4][i] = columns.actorSubject();
            text[5][i] = columns.actorAddress();
            text[6][i] = columns.ownerSubject();
            text[7][i] = columns.sourceIp();
            text[8][i] = columns.service();
            text[9][i] = SecurityEventCodec.toJson(event);
            text[10][i] = columns.sourceInet();
        }
        List<Object> arguments = new ArrayList<>(List.of(ids, times));
        arguments.addAll(Arrays.asList((Object[]) text));
        return pool.withTransaction(transaction -> transaction.preparedQuery(APPEND).execute(Tuple.tuple(arguments))).replaceWithVoid();
    }
}
