package dev.sealpost.outbox.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A security event waiting in the service's own database to be published to Kafka. It is written in
 * the same transaction as the change it describes, so a change is never committed without its event.
 * It waits while its id is in {@code outbox_pending}; once published it stays, unchanged, until
 * {@code OutboxRetention} deletes it. Schema: db/common/V1_0__outbox_event.sql, V1_1__outbox_pending.sql.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent {

    @Id
    public UUID id;

    /** Kafka record key: tenant and user, so one user's events stay in order. */
    @Column(name = "partition_key", nullable = false, length = 300)
    public String partitionKey;

    @Column(name = "event_type", nullable = false, length = 100)
    public String eventType;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "payload", nullable = false, columnDefinition = "jsonb")
    public String payload;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
