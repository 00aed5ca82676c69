package dev.sealpost.mail.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A user's mailbox (V2_0): one per address, owned by {@code (tenant, subject)} from the passport.
 * Its usage is not a column but the sum of its {@link MailboxUsageEntity} stripes; the service works
 * with {@link Mailbox}, the mailbox with that sum (MailboxRepository).
 */
@Entity
@Table(name = "mailbox")
public class MailboxEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false, length = 63)
    public String tenant;

    @Column(name = "owner_subject", nullable = false, length = 64)
    public String ownerSubject;

    @Column(nullable = false, length = 254, unique = true)
    public String address;

    @Column(name = "quota_bytes", nullable = false)
    public long quotaBytes;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
