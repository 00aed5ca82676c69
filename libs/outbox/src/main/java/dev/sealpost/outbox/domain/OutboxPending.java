package dev.sealpost.outbox.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/** The id of an {@link OutboxEvent} not yet published (V1_1__outbox_pending.sql); the relay deletes it once Kafka has the event. */
@Entity
@Table(name = "outbox_pending")
public class OutboxPending {

    @Id
    public UUID id;
}
