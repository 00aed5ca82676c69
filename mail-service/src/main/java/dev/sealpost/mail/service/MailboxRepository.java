package dev.sealpost.mail.service;

import dev.sealpost.mail.domain.FolderKind;
import dev.sealpost.mail.domain.Mailbox;
import dev.sealpost.mail.domain.MessageSummary;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for mailboxes, folders and messages. Every query that touches a message names its mailbox. */
@ApplicationScoped
public class MailboxRepository {

    private static final String MAILBOX_COLUMNS = "id, tenant, owner_subject, address, quota_bytes, used_bytes";
    private static final String SUMMARY_COLUMNS = "m.id, f.name AS folder, m.size_bytes, m.sender_address, m.recipient_addresses, "
            + "m.sent_at, m.received_at, m.seen, m.flagged";

    public Uni<Optional<Mailbox>> byOwner(SqlClient client, String tenant, String subject) {
        return client.preparedQuery("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE tenant = $1 AND owner_subject = $2")
                .execute(Tuple.of(tenant, subject)).map(MailboxRepository::firstMailbox);
    }

    /** The recipients' mailboxes, locked for the sending transaction (quota is checked and updated). */
    public Uni<List<Mailbox>> lockByAddresses(SqlClient transaction, List<String> addresses) {
        return transaction.preparedQuery("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE address = ANY($1) ORDER BY id FOR UPDATE")
                .execute(Tuple.of(addresses.toArray(new String[0])))
                .map(rows -> {
                    List<Mailbox> mailboxes = new ArrayList<>();
                    rows.forEach(row -> mailboxes.add(toMailbox(row)));
                    return mailboxes;
                });
    }

    /** Creates the mailbox and its standard folders unless the owner already has one. */
    public Uni<Void> createIfAbsent(SqlClient transaction, String tenant, String subject, String address, long quota) {
        UUID id = UUID.randomUUID();
        return transaction.preparedQuery("INSERT INTO mailbox (id, tenant, owner_subject, address, quota_bytes, created_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id")
                .execute(Tuple.of(id, tenant, subject, address, quota, OffsetDateTime.now(ZoneOffset.UTC)))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    List<Tuple> folders = Arrays.stream(FolderKind.STANDARD)
                            .map(kind -> Tuple.of(UUID.randomUUID(), id, kind.standardName(), kind.name())).toList();
                    return transaction.preparedQuery("INSERT INTO folder (id, mailbox_id, name, kind) VALUES ($1, $2, $3, $4)")
                            .executeBatch(folders).replaceWithVoid();
                });
    }

    public Uni<Optional<UUID>> folderId(SqlClient client, UUID mailboxId, String name) {
        return client.preparedQuery("SELECT id FROM folder WHERE mailbox_id = $1 AND name = $2").execute(Tuple.of(mailboxId, name))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID("id")));
    }

    public Uni<List<String>> folderNames(SqlClient client, UUID mailboxId) {
        return client.preparedQuery("SELECT name FROM folder WHERE mailbox_id = $1 ORDER BY kind = 'USER', name").execute(Tuple.of(mailboxId))
                .map(rows -> {
                    List<String> names = new ArrayList<>();
                    rows.forEach(row -> names.add(row.getString("name")));
                    return names;
                });
    }

    public Uni<Void> insertMessage(SqlClient transaction, UUID id, UUID mailboxId, UUID folderId, byte[] envelope, String sender,
            List<String> recipients, Instant sentAt) {
        OffsetDateTime at = OffsetDateTime.ofInstant(sentAt, ZoneOffset.UTC);
        return transaction.preparedQuery("INSERT INTO message (id, mailbox_id, folder_id, envelope, size_bytes, sender_address, "
                        + "recipient_addresses, sent_at, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .execute(Tuple.tuple(List.of(id, mailboxId, folderId, Buffer.buffer(envelope), (long) envelope.length, sender,
                        recipients.toArray(new String[0]), at, at)))
                .chain(() -> transaction.preparedQuery("UPDATE mailbox SET used_bytes = used_bytes + $2 WHERE id = $1")
                        .execute(Tuple.of(mailboxId, (long) envelope.length)))
                .replaceWithVoid();
    }

    /** A page of a folder, newest first, after the keyset cursor (received_at, id) if given. */
    public Uni<List<MessageSummary>> page(SqlClient client, UUID folderId, Instant afterReceived, UUID afterId, int limit) {
        String sql = "SELECT " + SUMMARY_COLUMNS + " FROM message m JOIN folder f ON f.id = m.folder_id WHERE m.folder_id = $1"
                + (afterId == null ? "" : " AND (m.received_at, m.id) < ($3, $4)")
                + " ORDER BY m.received_at DESC, m.id DESC LIMIT $2";
        Tuple arguments = afterId == null ? Tuple.of(folderId, limit)
                : Tuple.of(folderId, limit, OffsetDateTime.ofInstant(afterReceived, ZoneOffset.UTC), afterId);
        return client.preparedQuery(sql).execute(arguments).map(MailboxRepository::toSummaries);
    }

    /** A message of this mailbox only; empty for another mailbox's id. */
    public Uni<Optional<MessageSummary>> summary(SqlClient client, UUID mailboxId, UUID messageId) {
        return client.preparedQuery("SELECT " + SUMMARY_COLUMNS + " FROM message m JOIN folder f ON f.id = m.folder_id "
                        + "WHERE m.id = $1 AND m.mailbox_id = $2")
                .execute(Tuple.of(messageId, mailboxId))
                .map(rows -> toSummaries(rows).stream().findFirst());
    }

    public Uni<Optional<byte[]>> envelope(SqlClient client, UUID mailboxId, UUID messageId) {
        return client.preparedQuery("SELECT envelope FROM message WHERE id = $1 AND mailbox_id = $2").execute(Tuple.of(messageId, mailboxId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBuffer("envelope").getBytes()));
    }

    public Uni<Integer> setFlags(SqlClient client, UUID mailboxId, UUID messageId, Boolean seen, Boolean flagged) {
        return client.preparedQuery("UPDATE message SET seen = COALESCE($3, seen), flagged = COALESCE($4, flagged) "
                        + "WHERE id = $1 AND mailbox_id = $2")
                .execute(Tuple.of(messageId, mailboxId, seen, flagged)).map(RowSet::rowCount);
    }

    /** Moves within the mailbox; entering the trash stamps trashed_at, leaving it clears it. */
    public Uni<Integer> move(SqlClient client, UUID mailboxId, UUID messageId, UUID folderId, boolean toTrash) {
        return client.preparedQuery("UPDATE message SET folder_id = $3, trashed_at = CASE WHEN $4 THEN now() ELSE NULL END "
                        + "WHERE id = $1 AND mailbox_id = $2")
                .execute(Tuple.of(messageId, mailboxId, folderId, toTrash)).map(RowSet::rowCount);
    }

    /** Deletes a message and gives its bytes back to the quota; returns the freed size, or -1 if not found. */
    public Uni<Long> purge(SqlClient transaction, UUID mailboxId, UUID messageId) {
        return transaction.preparedQuery("DELETE FROM message WHERE id = $1 AND mailbox_id = $2 RETURNING size_bytes")
                .execute(Tuple.of(messageId, mailboxId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(-1L);
                    }
                    long size = rows.iterator().next().getLong("size_bytes");
                    return transaction.preparedQuery("UPDATE mailbox SET used_bytes = used_bytes - $2 WHERE id = $1")
                            .execute(Tuple.of(mailboxId, size)).replaceWith(size);
                });
    }

    public Uni<Optional<UUID>> idempotentSend(SqlClient client, UUID mailboxId, String key) {
        return client.preparedQuery("SELECT sent_message_id FROM send_request WHERE mailbox_id = $1 AND idempotency_key = $2")
                .execute(Tuple.of(mailboxId, key))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID("sent_message_id")));
    }

    /** Records the key; false if another request recorded it first (the caller rolls back). */
    public Uni<Boolean> recordSend(SqlClient transaction, UUID mailboxId, String key, UUID sentMessageId) {
        return transaction.preparedQuery("INSERT INTO send_request (mailbox_id, idempotency_key, sent_message_id, created_at) "
                        + "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(mailboxId, key, sentMessageId, OffsetDateTime.now(ZoneOffset.UTC)))
                .map(rows -> rows.rowCount() == 1);
    }

    private static Optional<Mailbox> firstMailbox(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(toMailbox(rows.iterator().next()));
    }

    private static Mailbox toMailbox(Row row) {
        return new Mailbox(row.getUUID("id"), row.getString("tenant"), row.getString("owner_subject"), row.getString("address"),
                row.getLong("quota_bytes"), row.getLong("used_bytes"));
    }

    private static List<MessageSummary> toSummaries(RowSet<Row> rows) {
        List<MessageSummary> summaries = new ArrayList<>();
        for (Row row : rows) {
            summaries.add(new MessageSummary(row.getUUID("id"), row.getString("folder"), row.getLong("size_bytes"),
                    row.getString("sender_address"), Arrays.asList(row.getArrayOfStrings("recipient_addresses")),
                    row.getOffsetDateTime("sent_at").toInstant(), row.getOffsetDateTime("received_at").toInstant(),
                    row.getBoolean("seen"), row.getBoolean("flagged")));
        }
        return summaries;
    }
}
