package dev.sealpost.audit.service;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** Writes events idempotently: a redelivered event (same id and time) is skipped, never stored twice. */
@ApplicationScoped
public class AuditStore {

    private static final String INSERT = "INSERT INTO audit_event (id, occurred_at, tenant, type, outcome, actor_issuer, actor_subject, "
            + "actor_address, owner_subject, source_ip, service, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
            + "ON CONFLICT DO NOTHING";

    private final Pool pool;

    public AuditStore(Pool pool) {
        this.pool = pool;
    }

    /** Stores a batch in one transaction; returns when it is committed. */
    public Uni<Void> store(List<SecurityEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = events.stream().map(event -> Tuple.tuple(java.util.Arrays.asList(event.id(),
                OffsetDateTime.ofInstant(event.time(), ZoneOffset.UTC), event.tenant(), event.type().name(), event.outcome().name(),
                event.actor().issuer(), event.actor().subject(), event.actor().address(),
                event.owner() == null ? null : event.owner().subject(), event.sourceIp(), event.service(),
                new JsonObject(SecurityEventCodec.toJson(event))))).toList();
        return pool.withTransaction(transaction -> transaction.preparedQuery(INSERT).executeBatch(rows)).replaceWithVoid();
    }
}
