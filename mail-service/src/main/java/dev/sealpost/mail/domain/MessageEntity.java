package dev.sealpost.mail.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One copy of a sent message in one mailbox (V2_0, V2_3, V2_4): routing metadata and flags, and the
 * id of the {@link SealedEnvelopeEntity} it shares with the other copies of its send. Nothing here
 * is content: no subject, no body.
 */
@Entity
@Table(name = "message")
public class MessageEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "mailbox_id", nullable = false)
    public UUID mailboxId;

    /** A folder of the same mailbox (checked by the database, V2_4 and V2_5: without a lock on the folder). */
    @Column(name = "folder_id", nullable = false)
    public UUID folderId;

    @Column(name = "envelope_id", nullable = false)
    public UUID envelopeId;

    /** The whole envelope's size, counted against this copy's mailbox. */
    @Column(name = "size_bytes", nullable = false)
    public long sizeBytes;

    @Column(name = "sender_address", nullable = false, length = 254)
    public String senderAddress;

    @Column(name = "recipient_addresses", nullable = false)
    public String[] recipientAddresses;

    @Column(name = "sent_at", nullable = false)
    public OffsetDateTime sentAt;

    @Column(name = "received_at", nullable = false)
    public OffsetDateTime receivedAt;

    @Column(nullable = false)
    public boolean seen;

    @Column(nullable = false)
    public boolean flagged;

    /** When it entered the trash; trash retention purges it that long after. */
    @Column(name = "trashed_at")
    public OffsetDateTime trashedAt;

    /** What a listing shows of it, in the named folder. */
    public MessageSummary summary(String folderName) {
        return new MessageSummary(id, folderName, sizeBytes, senderAddress, List.of(recipientAddresses), sentAt.toInstant(),
                receivedAt.toInstant(), seen, flagged);
    }
}
