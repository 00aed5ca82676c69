package dev.sealpost.service.events;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

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

    private static final String INSERT = "INSERT INTO outbox_event (id, partition_key, event_type, payload, created_at) "
            + "VALUES ($1, $2, $3, $4, $5)";

    public Uni<Void> append(SqlClient transaction, SecurityEvent event) {
        return transaction.preparedQuery(INSERT).execute(row(event)).replaceWithVoid();
    }

    /** Several events in one round trip. */
    public Uni<Void> appendAll(SqlClient transaction, List<SecurityEvent> events) {
        return transaction.preparedQuery(INSERT).executeBatch(events.stream().map(Outbox::row).toList()).replaceWithVoid();
    }

    private static Tuple row(SecurityEvent event) {
        return Tuple.of(event.id(), event.partitionKey(), event.type().name(),
                // a JsonObject, not a String: the PostgreSQL client would store a String as a JSON string value
                new io.vertx.core.json.JsonObject(SecurityEventCodec.toJson(event)),
                OffsetDateTime.ofInstant(event.time(), ZoneOffset.UTC));
    }
}
