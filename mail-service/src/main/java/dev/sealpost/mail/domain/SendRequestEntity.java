package dev.sealpost.mail.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A send's Idempotency-Key (V2_0): a retry with the same key finds the first send's message. */
@Entity
@Table(name = "send_request")
@IdClass(SendRequestEntity.Key.class)
public class SendRequestEntity extends PanacheEntityBase {

    @Id
    @Column(name = "mailbox_id")
    public UUID mailboxId;

    @Id
    @Column(name = "idempotency_key", length = 128)
    public String idempotencyKey;

    /** The sender's sent copy. */
    @Column(name = "sent_message_id", nullable = false)
    public UUID sentMessageId;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    /** SHA-256 of the send's recipients and envelope (V2_6; none on older rows). */
    @Column(name = "request_digest")
    public byte[] requestDigest;

    public record Key(UUID mailboxId, String idempotencyKey) implements Serializable {
    }
}
