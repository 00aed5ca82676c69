package dev.sealpost.mail.repository;

import dev.sealpost.mail.domain.MessageEntity;
import dev.sealpost.mail.domain.MessageSummary;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The copies of messages in mailboxes. Every query that reaches a message by its id also names the
 * caller's mailbox: another mailbox's message is simply not found.
 */
@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<MessageEntity, UUID> {

    private static final Sort NEWEST_FIRST = Sort.descending("receivedAt", "id");

    /** Who holds a message, whatever mailbox asks: for the access-denied event's owner. */
    public record Holder(String tenant, String ownerSubject, String address) {
    }

    /** A page of a folder, newest first, after the keyset cursor (received_at, id) if given. */
    public Uni<List<MessageSummary>> page(UUID folderId, String folderName, Instant afterReceived, UUID afterId, int limit) {
        // the row comparison walks the listing index (folder_id, received_at DESC, id DESC) from the cursor on
        var query = afterId == null ? find("folderId = ?1", NEWEST_FIRST, folderId)
                : find("folderId = ?1 and (receivedAt, id) < (?2, ?3)", NEWEST_FIRST, folderId,
                        OffsetDateTime.ofInstant(afterReceived, ZoneOffset.UTC), afterId);
        return query.range(0, limit - 1).list().map(messages -> messages.stream().map(message -> message.summary(folderName)).toList());
    }

    /** A message of this mailbox only; empty for another mailbox's id. */
    public Uni<Optional<MessageSummary>> summary(UUID mailboxId, UUID messageId) {
        return getSession().chain(session -> session.createSelectionQuery("select m, f.name from MessageEntity m "
                                + "join FolderEntity f on f.id = m.folderId where m.id = :id and m.mailboxId = :mailbox", Object[].class)
                        .setParameter("id", messageId).setParameter("mailbox", mailboxId).getSingleResultOrNull())
                .map(row -> Optional.ofNullable(row).map(found -> ((MessageEntity) found[0]).summary((String) found[1])));
    }

    /** The sealed bytes of a message of this mailbox. */
    public Uni<Optional<byte[]>> envelope(UUID mailboxId, UUID messageId) {
        return getSession().chain(session -> session.createSelectionQuery("select e.bytes from MessageEntity m "
                                + "join SealedEnvelopeEntity e on e.id = m.envelopeId where m.id = :id and m.mailboxId = :mailbox", byte[].class)
                        .setParameter("id", messageId).setParameter("mailbox", mailboxId).getSingleResultOrNull())
                .map(Optional::ofNullable);
    }

    public Uni<Optional<Holder>> holder(UUID messageId) {
        return getSession().chain(session -> session.createSelectionQuery("select new " + Holder.class.getName()
                                + "(mb.tenant, mb.ownerSubject, mb.address) from MessageEntity m join MailboxEntity mb on mb.id = m.mailboxId "
                                + "where m.id = :id", Holder.class)
                        .setParameter("id", messageId).getSingleResultOrNull())
                .map(Optional::ofNullable);
    }

    /** Sets the flags given (null: unchanged); returns how many messages changed (0: not this mailbox's). */
    public Uni<Integer> setFlags(UUID mailboxId, UUID messageId, Boolean seen, Boolean flagged) {
        List<String> changes = new ArrayList<>();
        Parameters parameters = Parameters.with("id", messageId).and("mailbox", mailboxId);
        if (seen != null) {
            changes.add("seen = :seen");
            parameters.and("seen", seen);
        }
        if (flagged != null) {
            changes.add("flagged = :flagged");
            parameters.and("flagged", flagged);
        }
        return update(String.join(", ", changes) + " where id = :id and mailboxId = :mailbox", parameters);
    }

    /** Moves within the mailbox; entering the trash stamps trashedAt, leaving it clears it. */
    public Uni<Integer> move(UUID mailboxId, UUID messageId, UUID folderId, boolean toTrash) {
        Parameters parameters = Parameters.with("id", messageId).and("mailbox", mailboxId).and("folder", folderId);
        if (toTrash) {
            parameters.and("now", OffsetDateTime.now(ZoneOffset.UTC));
        }
        return update("folderId = :folder, trashedAt = " + (toTrash ? ":now" : "null") + " where id = :id and mailboxId = :mailbox", parameters);
    }

    /**
     * Deletes a message of this mailbox and gives its bytes back to the quota; returns the freed
     * size, or empty if not found (or purged by a concurrent request first). The envelope goes with
     * its last copy: its count is taken down under its row lock, so of two copies purged at once
     * exactly one sees zero and deletes it. Call it in a transaction.
     */
    public Uni<Optional<Long>> purge(UUID mailboxId, UUID messageId) {
        return getSession().chain(session -> session.createSelectionQuery("select m.sizeBytes, m.envelopeId from MessageEntity m "
                                + "where m.id = :id and m.mailboxId = :mailbox", Object[].class)
                        .setParameter("id", messageId).setParameter("mailbox", mailboxId).getSingleResultOrNull()
                        .chain(found -> found == null ? Uni.createFrom().item(Optional.<Long>empty())
                                : delete("id = ?1 and mailboxId = ?2", messageId, mailboxId).chain(deleted -> deleted == 0
                                        ? Uni.createFrom().item(Optional.<Long>empty())
                                        : release(session, (UUID) found[1])
                                                .chain(() -> addUsage(session, mailboxId, -(Long) found[0]))
                                                .replaceWith(Optional.of((Long) found[0])))));
    }

    private static Uni<Void> release(Mutiny.Session session, UUID envelopeId) {
        return session.createMutationQuery("update SealedEnvelopeEntity set copies = copies - 1 where id = :id")
                .setParameter("id", envelopeId).executeUpdate()
                .chain(() -> session.createMutationQuery("delete from SealedEnvelopeEntity where id = :id and copies = 0")
                        .setParameter("id", envelopeId).executeUpdate())
                .replaceWithVoid();
    }

    /** Adds (or, negative, frees) bytes on a stripe of the mailbox's usage; inside a longer transaction, so any stripe. */
    private static Uni<Void> addUsage(Mutiny.Session session, UUID mailboxId, long bytes) {
        return session.createMutationQuery("insert into MailboxUsageEntity (mailboxId, stripe, bytes) values (:mailbox, :stripe, :bytes) "
                        + "on conflict (mailboxId, stripe) do update set bytes = bytes + excluded.bytes")
                .setParameter("mailbox", mailboxId).setParameter("stripe", UsageStripes.any()).setParameter("bytes", bytes)
                .executeUpdate().replaceWithVoid();
    }
}
