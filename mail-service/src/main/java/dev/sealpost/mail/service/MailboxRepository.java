package dev.sealpost.mail.service;

import dev.sealpost.mail.domain.FolderKind;
import dev.sealpost.mail.domain.Mailbox;
import dev.sealpost.mail.domain.MessageSummary;
import io.smallrye.mutiny.Uni;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.service.events.Outbox;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.Pool;
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
import java.util.concurrent.ThreadLocalRandom;

/** SQL for mailboxes, folders and messages. Every query that touches a message names its mailbox. */
@ApplicationScoped
public class MailboxRepository {

    private final Outbox outbox;
    private final UsageStripes stripes;

    public MailboxRepository(Outbox outbox, UsageStripes stripes) {
        this.outbox = outbox;
        this.stripes = stripes;
    }

    private static final String USED_BYTES = "(SELECT coalesce(sum(u.bytes), 0) FROM mailbox_usage u WHERE u.mailbox_id = m.id) AS used_bytes";
    private static final String MAILBOX_COLUMNS = "m.id, m.tenant, m.owner_subject, m.address, m.quota_bytes, " + USED_BYTES;
    /** Adds (or with a negative amount, frees) bytes on one stripe of a mailbox's usage (V2_1, V2_2 migrations). */
    private static final String ADD_USAGE = "INSERT INTO mailbox_usage (mailbox_id, stripe, bytes) VALUES ($1, $2, $3) "
            + "ON CONFLICT (mailbox_id, stripe) DO UPDATE SET bytes = mailbox_usage.bytes + excluded.bytes";
    /** Envelopes whose last copy is gone (their count already taken down in this transaction). */
    static final String DELETE_UNREFERENCED_ENVELOPES = "DELETE FROM sealed_envelope WHERE id = ANY($1) AND copies = 0";
    private static final String SUMMARY_COLUMNS = "m.id, f.name AS folder, m.size_bytes, m.sender_address, m.recipient_addresses, "
            + "m.sent_at, m.received_at, m.seen, m.flagged";

    public Uni<Optional<Mailbox>> byOwner(SqlClient client, String tenant, String subject) {
        return client.preparedQuery("SELECT " + MAILBOX_COLUMNS + " FROM mailbox m WHERE m.tenant = $1 AND m.owner_subject = $2")
                .execute(Tuple.of(tenant, subject)).map(MailboxRepository::firstMailbox);
    }

    /** A mailbox with the folder a delivery writes into (inbox for a recipient, sent for the sender). */
    public record DeliveryTarget(Mailbox mailbox, UUID folderId) {
    }

    /** What a send needs to know, read in one round trip: the sender's mailbox and the recipients'. */
    public record DeliveryTargets(Map<FolderKind, DeliveryTarget> sender, Map<String, Map<FolderKind, DeliveryTarget>> byAddress) {
    }

    /**
     * The sender's mailbox (by owner) and the mailboxes of these addresses, each with its inbox and
     * sent folders, read without locks: a send then writes in one statement ({@link #deliver}).
     * {@code sender} is empty when the caller has no mailbox yet.
     */
    public Uni<DeliveryTargets> deliveryTargets(SqlClient client, List<String> addresses, String tenant, String subject) {
        // each mailbox once (its usage summed once, its two folders as columns): the usage sum was the
        // costliest part of a send's read when it ran per joined folder row
        return client.preparedQuery("SELECT " + MAILBOX_COLUMNS + ", "
                        + "(SELECT f.id FROM folder f WHERE f.mailbox_id = m.id AND f.kind = 'INBOX') AS inbox_id, "
                        + "(SELECT f.id FROM folder f WHERE f.mailbox_id = m.id AND f.kind = 'SENT') AS sent_id "
                        // two index scans (address; tenant and owner) rather than one OR that the planner would not split
                        + "FROM (SELECT * FROM mailbox WHERE address = ANY($1) UNION SELECT * FROM mailbox WHERE tenant = $2 AND owner_subject = $3) m")
                .execute(Tuple.of(addresses.toArray(new String[0]), tenant, subject))
                .map(rows -> {
                    Map<FolderKind, DeliveryTarget> sender = new EnumMap<>(FolderKind.class);
                    Map<String, Map<FolderKind, DeliveryTarget>> targets = new HashMap<>();
                    for (Row row : rows) {
                        Mailbox mailbox = toMailbox(row);
                        Map<FolderKind, DeliveryTarget> folders = new EnumMap<>(FolderKind.class);
                        folders.put(FolderKind.INBOX, new DeliveryTarget(mailbox, row.getUUID("inbox_id")));
                        folders.put(FolderKind.SENT, new DeliveryTarget(mailbox, row.getUUID("sent_id")));
                        targets.put(mailbox.address(), folders);
                        if (mailbox.tenant().equals(tenant) && mailbox.ownerSubject().equals(subject)) {
                            sender.putAll(folders);
                        }
                    }
                    return new DeliveryTargets(sender, targets);
                });
    }

    /** One stored copy of a sent envelope. */
    public record MessageCopy(UUID id, UUID mailboxId, UUID folderId) {
    }

    /** The sender's Idempotency-Key, recorded with the send so that a retry finds its result. */
    public record SendRequest(UUID senderMailboxId, String idempotencyKey, UUID sentMessageId) {
    }

    /**
     * Writes a send in one statement (so atomic without BEGIN/COMMIT round trips): the envelope, once
     * (V2_3), every copy referring to it, the events, the usage of each mailbox on a stripe lent to
     * this statement ({@link UsageStripes}; lent once a connection is held, so sends waiting for one
     * hold no stripe), and the Idempotency-Key if given. Fails with {@link IdempotencyKeyTaken} if a
     * concurrent send recorded the same key first; nothing of this send is then written.
     */
    public Uni<Void> deliver(Pool pool, UUID envelopeId, List<MessageCopy> copies, byte[] envelope, String sender, List<String> recipients,
            Instant sentAt, Map<UUID, Long> bytesByMailbox, List<SecurityEvent> events, SendRequest request) {
        OffsetDateTime at = OffsetDateTime.ofInstant(sentAt, ZoneOffset.UTC);
        // sorted: two sends meeting on a stripe of the same mailboxes lock them in the same order
        List<Map.Entry<UUID, Long>> usage = bytesByMailbox.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList();
        List<Object> arguments = new ArrayList<>(List.of(Buffer.buffer(envelope), (long) envelope.length, sender,
                recipients.toArray(new String[0]), at,
                copies.stream().map(MessageCopy::id).toArray(UUID[]::new),
                copies.stream().map(MessageCopy::mailboxId).toArray(UUID[]::new),
                copies.stream().map(MessageCopy::folderId).toArray(UUID[]::new),
                usage.stream().map(Map.Entry::getKey).toArray(UUID[]::new),
                usage.stream().map(Map.Entry::getValue).toArray(Long[]::new),
                envelopeId));
        StringBuilder sql = new StringBuilder("WITH envelope AS (INSERT INTO sealed_envelope (id, copies, bytes) "
                + "VALUES ($11, cardinality($6::uuid[]), $1)), "
                + "copies AS (INSERT INTO message (id, mailbox_id, folder_id, envelope_id, size_bytes, "
                + "sender_address, recipient_addresses, sent_at, received_at) SELECT c.id, c.mailbox_id, c.folder_id, $11, $2, $3, $4, $5, $5 "
                + "FROM unnest($6::uuid[], $7::uuid[], $8::uuid[]) AS c (id, mailbox_id, folder_id)), ");
        if (request != null) {
            sql.append("request AS (INSERT INTO send_request (mailbox_id, idempotency_key, sent_message_id, created_at) VALUES ($12, $13, $14, $5)), ");
            arguments.addAll(List.of(request.senderMailboxId(), request.idempotencyKey(), request.sentMessageId()));
        }
        Outbox.BatchInsert eventInsert = outbox.batchInsert(events, arguments.size() + 1);
        sql.append(eventInsert.withClauses()).append(", ");
        arguments.addAll(eventInsert.arguments());
        // the stripe comes last: it is known only once lent
        sql.append("usage AS (INSERT INTO mailbox_usage (mailbox_id, stripe, bytes) SELECT u.mailbox_id, $").append(arguments.size() + 1)
                .append("::smallint, u.bytes FROM unnest($9::uuid[], $10::bigint[]) AS u (mailbox_id, bytes) ")
                .append("ON CONFLICT (mailbox_id, stripe) DO UPDATE SET bytes = mailbox_usage.bytes + excluded.bytes) SELECT 1");
        return pool.withConnection(connection -> stripes.withStripe(stripe -> {
                    Tuple values = Tuple.from(arguments);
                    values.addShort(stripe);
                    return connection.preparedQuery(sql.toString()).execute(values);
                })).replaceWithVoid()
                .onFailure(failure -> failure instanceof PgException pg && "23505".equals(pg.getSqlState())
                        && "send_request_pkey".equals(pg.getConstraint()))
                .transform(failure -> new IdempotencyKeyTaken());
    }

    /** Another send recorded the same Idempotency-Key between our check and our write. */
    public static final class IdempotencyKeyTaken extends RuntimeException {
        IdempotencyKeyTaken() {
            super("Idempotency-Key already recorded", null, false, false);
        }
    }

    /** For a purge inside a longer transaction, whose lock outlives any lending: rare, so any stripe. */
    private static short randomStripe() {
        return (short) ThreadLocalRandom.current().nextInt(UsageStripes.COUNT);
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
        return client.preparedQuery("SELECT e.bytes FROM message m JOIN sealed_envelope e ON e.id = m.envelope_id "
                        + "WHERE m.id = $1 AND m.mailbox_id = $2").execute(Tuple.of(messageId, mailboxId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBuffer("bytes").getBytes()));
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

    /**
     * Deletes a message and gives its bytes back to the quota; returns the freed size, or -1 if not
     * found. The envelope goes with its last copy: the count is taken down under the envelope's row
     * lock, so of two copies purged at once exactly one sees zero and deletes it.
     */
    public Uni<Long> purge(SqlClient transaction, UUID mailboxId, UUID messageId) {
        return transaction.preparedQuery("WITH gone AS (DELETE FROM message WHERE id = $1 AND mailbox_id = $2 RETURNING size_bytes, envelope_id), "
                        + "released AS (UPDATE sealed_envelope e SET copies = e.copies - 1 FROM gone WHERE e.id = gone.envelope_id "
                        + "RETURNING e.id, e.copies) SELECT gone.size_bytes, released.id AS envelope_id, released.copies FROM gone, released")
                .execute(Tuple.of(messageId, mailboxId))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(-1L);
                    }
                    Row row = rows.iterator().next();
                    long size = row.getLong("size_bytes");
                    Uni<Void> envelope = row.getInteger("copies") > 0 ? Uni.createFrom().voidItem()
                            : transaction.preparedQuery(DELETE_UNREFERENCED_ENVELOPES).execute(Tuple.of((Object) new UUID[] {row.getUUID("envelope_id")}))
                                    .replaceWithVoid();
                    return envelope.chain(() -> transaction.preparedQuery(ADD_USAGE).execute(Tuple.of(mailboxId, randomStripe(), -size)))
                            .replaceWith(size);
                });
    }

    /** The message id of the caller's earlier send with this Idempotency-Key, if any. */
    public Uni<Optional<UUID>> idempotentSend(SqlClient client, String tenant, String subject, String key) {
        return client.preparedQuery("SELECT r.sent_message_id FROM send_request r JOIN mailbox m ON m.id = r.mailbox_id "
                        + "WHERE m.tenant = $1 AND m.owner_subject = $2 AND r.idempotency_key = $3")
                .execute(Tuple.of(tenant, subject, key))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID("sent_message_id")));
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
