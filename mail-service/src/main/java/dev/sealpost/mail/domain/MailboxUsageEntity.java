package dev.sealpost.mail.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.UUID;

/**
 * One counter stripe of a mailbox's usage (V2_1, V2_2): a mailbox uses the sum of its stripes, so
 * concurrent sends to one mailbox add to different rows instead of queueing on one.
 */
@Entity
@Table(name = "mailbox_usage")
@IdClass(MailboxUsageEntity.Key.class)
public class MailboxUsageEntity extends PanacheEntityBase {

    @Id
    @Column(name = "mailbox_id")
    public UUID mailboxId;

    @Id
    public short stripe;

    /** May be below zero (a purge takes from any stripe); only the sum means something. */
    @Column(nullable = false)
    public long bytes;

    public record Key(UUID mailboxId, short stripe) implements Serializable {
    }
}
