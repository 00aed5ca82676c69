package dev.sealpost.outbox;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.outbox.domain.OutboxEvent;
import dev.sealpost.outbox.domain.OutboxPending;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Writes security events into the service's outbox table. Call it with the connection of the
 * transaction that makes the change: the change and its event commit together or not at all, and
 * {@link OutboxRelay} publishes them afterwards.
 */
@ApplicationScoped
public class Outbox {

    // the event and its pending id in one statement (V1_1__outbox_pending.sql)
    private static final String INSERT = "WITH event AS (INSERT INTO outbox_event (id, partition_key, event_type, payload, created_at) "
            + "VALUES ($1, $2, $3, $4, $5) RETURNING id) INSERT INTO outbox_pending (id) SELECT id FROM event";

    public Uni<Void> append(SqlClient transaction, SecurityEvent event) {
        return transaction.preparedQuery(INSERT).execute(row(event)).replaceWithVoid();
    }

    /**
     * The same through a Hibernate Reactive session, for a change made with entities: the event and
     * its pending id are written at the session's flush, in the transaction of the change.
     */
    public Uni<Void> append(Mutiny.Session session, SecurityEvent event) {
        OutboxEvent row = new OutboxEvent();
        row.id = event.id();
        row.partitionKey = event.partitionKey();
        row.eventType = event.type().name();
        row.payload = SecurityEventCodec.toJson(event);
        row.createdAt = OffsetDateTime.ofInstant(event.time(), ZoneOffset.UTC);
        OutboxPending pending = new OutboxPending();
        pending.id = event.id();
        return session.persistAll(row, pending);
    }

    /** Several events in one round trip. */
    public Uni<Void> appendAll(SqlClient transaction, List<SecurityEvent> events) {
        return transaction.preparedQuery(INSERT).executeBatch(events.stream().map(Outbox::row).toList()).replaceWithVoid();
    }

    /**
     * The events as columns for {@link BatchInsert#clauses}: encoded once, before the statement
     * around them is assembled.
     */
    public BatchInsert batchInsert(List<SecurityEvent> events) {
        int size = events.size();
        java.util.UUID[] ids = new java.util.UUID[size];
        String[] keys = new String[size];
        String[] types = new String[size];
        String[] payloads = new String[size];
        OffsetDateTime[] times = new OffsetDateTime[size];
        for (int i = 0; i < size; i++) {
            SecurityEvent event = events.get(i);
            ids[i] = event.id();
            keys[i] = event.partitionKey();
            types[i] = event.type().name();
            payloads[i] = SecurityEventCodec.toJson(event);
            times[i] = OffsetDateTime.ofInstant(event.time(), ZoneOffset.UTC);
        }
        return new BatchInsert(ids, keys, types, payloads, times);
    }

    /** Events as one array per column of {@code outbox_event}. */
    public record BatchInsert(java.util.UUID[] ids, String[] partitionKeys, String[] types, String[] payloads, OffsetDateTime[] times) {

        /**
         * The events as {@code WITH} clauses ({@code INSERT ... SELECT FROM unnest(...)} of the events
         * and of their pending ids), their arguments bound to {@code arguments}, to be a part of a
         * bigger data-modifying statement: the change and its events are then one statement, atomic
         * without a transaction of several round trips.
         *
         * @return two named clauses separated by a comma, to follow {@code WITH} or a comma
         */
        public String clauses(SqlArguments arguments) {
            return "outbox_events AS (INSERT INTO outbox_event (id, partition_key, event_type, payload, created_at) "
                    + "SELECT id, partition_key, event_type, payload::jsonb, created_at FROM unnest(" + arguments.bind(ids, "uuid[]") + ", "
                    + arguments.bind(partitionKeys, "varchar[]") + ", " + arguments.bind(types, "varchar[]") + ", "
                    + arguments.bind(payloads, "text[]") + ", " + arguments.bind(times, "timestamptz[]")
                    + ") AS e (id, partition_key, event_type, payload, created_at) RETURNING id), "
                    + "outbox_pending_ids AS (INSERT INTO outbox_pending (id) SELECT id FROM outbox_events)";
        }
    }

    private static Tuple row(SecurityEvent event) {
        return Tuple.of(event.id(), event.partitionKey(), event.type().name(),
                // a JsonObject, not a String: the PostgreSQL client would store a String as a JSON string value
                new io.vertx.core.json.JsonObject(SecurityEventCodec.toJson(event)),
                OffsetDateTime.ofInstant(event.time(), ZoneOffset.UTC));
    }
}
