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
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for mailboxes, folders and messages. Every query that touches a message names its mailbox. */
@ApplicationScoped
public class MailboxRepository {

    private static final String USED_BYTES = "(SELECT coalesce(sum(u.bytes), 0) FROM mailbox_usage u WHERE u.mailbox_id = m.id) AS used_bytes";
    private static final String MAILBOX_COLUMNS = "m.id, m.tenant, m.owner_subject, m.address, m.quota_bytes, " + USED_BYTES;
    /** Adds (or with a negative amount, frees) bytes on one random stripe of a mailbox's usage (V2_1 migration). */
    private static final String ADD_USAGE = "INSERT INTO mailbox_usage (mailbox_id, stripe, bytes) VALUES ($1, $2, $3) "
            + "ON CONFLICT (mailbox_id, stripe) DO UPDATE SET bytes = mailbox_usage.bytes + excluded.bytes";
    private static final int USAGE_STRIPES = 16;
    private static final String SUMMARY_COLUMNS = "m.id, f.name AS folder, m.size_bytes, m.sender_address, m.recipient_addresses, "
            + "m.sent_at, m.received_at, m.seen, m.flagged";

    public Uni<Optional<Mailbox>> byOwner(SqlClient client, String tenant, String subject) {
        return client.preparedQuery("SELECT " + MAILBOX_COLUMNS + " FROM mailbox m WHERE m.tenant = $1 AND m.owner_subject = $2")
                .execute(Tuple.of(tenant, subject)).map(MailboxRepository::firstMailbox);
    }

    /** A mailbox with the folder a delivery writes into (inbox for a recipient, sent for the sender). */
    public record DeliveryTarget(Mailbox mailbox, UUID folderId) {
    }

    /**
     * The mailboxes of these addresses with their inbox and sent folders, read without locks: the
     * quota is reserved at the end of the transaction by {@link #reserveQuota}, so concurrent sends
     * to the same mailbox hold its row lock only for that statement and the commit.
     */
    public Uni<Map<String, Map<FolderKind, DeliveryTarget>>> deliveryTargets(SqlClient client, List<String> addresses) {
        return client.preparedQuery("SELECT " + MAILBOX_COLUMNS + ", f.id AS folder_id, "
                        + "f.kind FROM mailbox m JOIN folder f ON f.mailbox_id = m.id AND f.kind IN ('INBOX', 'SENT') "
                        + "WHERE m.address = ANY($1)")
                .execute(Tuple.of(addresses.toArray(new String[0])))
                .map(rows -> {
                    Map<String, Map<FolderKind, DeliveryTarget>> targets = new HashMap<>();
                    for (Row row : rows) {
                        Mailbox mailbox = toMailbox(row);
                        targets.computeIfAbsent(mailbox.address(), address -> new EnumMap<>(FolderKind.class))
                                .put(FolderKind.valueOf(row.getString("kind")), new DeliveryTarget(mailbox, row.getUUID("folder_id")));
                    }
                    return targets;
                });
    }

    /**
     * Adds the bytes to each mailbox's usage, on a random stripe of it: concurrent sends to one
     * mailbox rarely wait for each other. The quota is checked before (from {@link #deliveryTargets}),
     * so it is a soft limit: sends racing each other may pass it together (docs/mail-service.md).
     */
    public Uni<Void> addUsage(SqlClient transaction, Map<UUID, Long> bytesByMailbox) {
        // sorted: two sends touching the same stripes lock them in the same order
        List<Tuple> rows = bytesByMailbox.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(entry -> Tuple.of(entry.getKey(), randomStripe(), entry.getValue())).toList();
        return transaction.preparedQuery(ADD_USAGE).executeBatch(rows).replaceWithVoid();
    }

    private static short randomStripe() {
        return (short) java.util.concurrent.ThreadLocalRandom.current().nextInt(USAGE_STRIPES);
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

    /** One stored copy of a sent envelope. */
    public record MessageCopy(UUID id, UUID mailboxId, UUID folderId) {
    }

    /** Stores every copy in one round trip; quota is reserved separately ({@link #reserveQuota}). */
    public Uni<Void> insertCopies(SqlClient transaction, List<MessageCopy> copies, byte[] envelope, String sender,
            List<String> recipients, Instant sentAt) {
        OffsetDateTime at = OffsetDateTime.ofInstant(sentAt, ZoneOffset.UTC);
        Buffer bytes = Buffer.buffer(envelope);
        String[] recipientArray = recipients.toArray(new String[0]);
        List<Tuple> rows = copies.stream().map(copy -> Tuple.tuple(List.of(copy.id(), copy.mailboxId(), copy.folderId(), bytes,
                (long) envelope.length, sender, recipientArray, at, at))).toList();
        return transaction.preparedQuery("INSERT INTO message (id, mailbox_id, folder_id, envelope, size_bytes, sender_address, "
                        + "recipient_addresses, sent_at, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .executeBatch(rows).replaceWithVoid();
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
                    return transaction.preparedQuery(ADD_USAGE).execute(Tuple.of(mailboxId, randomStripe(), -size)).replaceWith(size);
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
