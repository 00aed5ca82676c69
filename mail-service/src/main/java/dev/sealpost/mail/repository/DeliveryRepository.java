package dev.sealpost.mail.repository;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.mail.domain.FolderKind;
import dev.sealpost.mail.domain.Mailbox;
import dev.sealpost.outbox.Outbox;
import dev.sealpost.outbox.SqlArguments;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The send: one read and one write, as SQL on the reactive client rather than through the entities.
 * Why (docs/decisions.md, "Mail service"): the write is one
 * data-modifying statement — the envelope once, a copy per mailbox from arrays, the usage stripes
 * as upserts, the events and the Idempotency-Key — atomic without a transaction's extra round trips,
 * and the envelope's bytes cross to PostgreSQL once; the read sums each mailbox's usage once. The
 * write takes any number of sends, so that sends waiting at the same time share one (group commit,
 * docs/decisions.md, "Mail service"). This
 * path is the one measured against its goal (docs/mail-service.md, "Performance"). The tables are
 * those the entities map ({@code dev.sealpost.mail.domain}), and Hibernate validates them at start.
 */
@ApplicationScoped
public class DeliveryRepository {

    private static final String USED_BYTES = "(SELECT coalesce(sum(u.bytes), 0) FROM mailbox_usage u WHERE u.mailbox_id = m.id) AS used_bytes";

    private final Pool pool;
    private final Outbox outbox;
    private final UsageStripes stripes;

    public DeliveryRepository(Pool pool, Outbox outbox, UsageStripes stripes) {
        this.pool = pool;
        this.outbox = outbox;
        this.stripes = stripes;
    }

    /** A mailbox with the folder a delivery writes into (inbox for a recipient, sent for the sender). */
    public record DeliveryTarget(Mailbox mailbox, UUID folderId) {
    }

    /** What a send needs to know, read in one round trip: the sender's mailbox and the recipients'. */
    public record DeliveryTargets(Map<FolderKind, DeliveryTarget> sender, Map<String, Map<FolderKind, DeliveryTarget>> byAddress) {
    }

    /** One stored copy of a sent envelope. */
    public record MessageCopy(UUID id, UUID mailboxId, UUID folderId) {
    }

    /**
     * The sender's Idempotency-Key, recorded with the send so that a retry finds its result, and the
     * digest of what it was used for (recipients and envelope), so that another message under it is told apart.
     */
    public record SendRequest(UUID senderMailboxId, String idempotencyKey, UUID sentMessageId, byte[] requestDigest) {
    }

    /** An earlier send under an Idempotency-Key: its sent copy, and its request's digest (null if recorded before V2_6). */
    public record EarlierSend(UUID sentMessageId, byte[] requestDigest) {
    }

    /** What one send writes. */
    public record Delivery(UUID envelopeId, byte[] envelope, String sender, List<String> recipients, Instant sentAt,
            List<MessageCopy> copies, Map<UUID, Long> bytesByMailbox, List<SecurityEvent> events, SendRequest request) {
    }

    /** The caller's earlier send with this Idempotency-Key, if any. */
    public Uni<Optional<EarlierSend>> earlierSend(String tenant, String subject, String idempotencyKey) {
        return pool.preparedQuery("SELECT r.sent_message_id, r.request_digest FROM send_request r JOIN mailbox m ON m.id = r.mailbox_id "
                        + "WHERE m.tenant = $1 AND m.owner_subject = $2 AND r.idempotency_key = $3")
                .execute(Tuple.of(tenant, subject, idempotencyKey))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    io.vertx.mutiny.core.buffer.Buffer digest = row.getBuffer("request_digest");
                    return Optional.of(new EarlierSend(row.getUUID("sent_message_id"), digest == null ? null : digest.getBytes()));
                });
    }

    /**
     * The sender's mailbox (by owner) and the mailboxes of these addresses, each with its inbox and
     * sent folders, read without locks: a send then writes in one statement ({@link #deliver}).
     * {@code sender} is empty when the caller has no mailbox yet.
     */
    public Uni<DeliveryTargets> targets(List<String> addresses, String tenant, String subject) {
        // each mailbox once (its usage summed once, its two folders as columns): the usage sum was the
        // costliest part of a send's read when it ran per joined folder row
        return pool.preparedQuery("SELECT m.id, m.tenant, m.owner_subject, m.address, m.quota_bytes, " + USED_BYTES + ", "
                        + "(SELECT f.id FROM folder f WHERE f.mailbox_id = m.id AND f.kind = 'INBOX') AS inbox_id, "
                        + "(SELECT f.id FROM folder f WHERE f.mailbox_id = m.id AND f.kind = 'SENT') AS sent_id "
                        // two index scans (address; tenant and owner) rather than one OR that the planner would not split
                        + "FROM (SELECT * FROM mailbox WHERE address = ANY($1) UNION SELECT * FROM mailbox WHERE tenant = $2 AND owner_subject = $3) m")
                .execute(Tuple.of(addresses.toArray(new String[0]), tenant, subject))
                .map(rows -> {
                    Map<FolderKind, DeliveryTarget> sender = new EnumMap<>(FolderKind.class);
                    Map<String, Map<FolderKind, DeliveryTarget>> targets = new HashMap<>();
                    for (Row row : rows) {
                        Mailbox mailbox = new Mailbox(row.getUUID("id"), row.getString("tenant"), row.getString("owner_subject"),
                                row.getString("address"), row.getLong("quota_bytes"), row.getLong("used_bytes"));
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

    /**
     * Writes sends in one statement (so atomic without BEGIN/COMMIT round trips; all of them or none):
     * each envelope once (V2_3), every copy referring to it, the events, the usage of each mailbox
     * summed over the sends on a stripe lent to this statement ({@link UsageStripes}; lent once a
     * connection is held, so writes waiting for one hold no stripe), and the Idempotency-Keys given.
     * Several sends share a statement when {@code DeliveryQueue} groups them: one commit and one
     * executor start for all. Fails with {@link IdempotencyKeyTaken} if a send's key was recorded
     * first by another; nothing of any of these sends is then written.
     */
    public Uni<Void> deliver(List<Delivery> deliveries) {
        // everything is encoded before a connection and a stripe are held; only the text is assembled then
        SendColumns sends = SendColumns.of(deliveries);
        Outbox.BatchInsert events = outbox.batchInsert(deliveries.stream().flatMap(delivery -> delivery.events().stream()).toList());
        return pool.withConnection(connection -> stripes.withStripe(stripe -> {
                    SqlArguments arguments = new SqlArguments();
                    String sql = deliverStatement(sends, events, stripe, arguments);
                    return connection.preparedQuery(sql).execute(arguments.tuple());
                })).replaceWithVoid()
                .onFailure(failure -> failure instanceof PgException pg && "23505".equals(pg.getSqlState())
                        && "send_request_pkey".equals(pg.getConstraint()))
                .transform(failure -> new IdempotencyKeyTaken());
    }

    // One statement for any number of sends (a batch of one included), so one prepared statement and
    // one plan: every row comes from arrays. A copy's recipients are a slice of one flat array. The
    // text is the same for every batch, so the client's prepared-statement cache holds it once.
    private static String deliverStatement(SendColumns c, Outbox.BatchInsert events, short stripe, SqlArguments a) {
        return "WITH envelopes AS (INSERT INTO sealed_envelope (id, copies, bytes) SELECT e.id, e.copies, e.bytes FROM unnest("
                + a.bind(c.envelopeIds(), "uuid[]") + ", " + a.bind(c.envelopeCopies(), "int[]") + ", " + a.bind(c.envelopeBytes(), "bytea[]")
                + ") AS e (id, copies, bytes)), "
                + "copies AS (INSERT INTO message (id, mailbox_id, folder_id, envelope_id, size_bytes, "
                + "sender_address, recipient_addresses, sent_at, received_at) "
                + "SELECT c.id, c.mailbox_id, c.folder_id, c.envelope_id, c.size_bytes, c.sender, (" + a.bind(c.recipients(), "varchar[]")
                + ")[c.recipients_from:c.recipients_to], c.sent_at, c.sent_at FROM unnest(" + a.bind(c.copyIds(), "uuid[]") + ", "
                + a.bind(c.copyMailboxes(), "uuid[]") + ", " + a.bind(c.copyFolders(), "uuid[]") + ", " + a.bind(c.copyEnvelopes(), "uuid[]")
                + ", " + a.bind(c.copySizes(), "bigint[]") + ", " + a.bind(c.copySenders(), "varchar[]") + ", "
                + a.bind(c.copyRecipientsFrom(), "int[]") + ", " + a.bind(c.copyRecipientsTo(), "int[]") + ", "
                + a.bind(c.copySentAt(), "timestamptz[]") + ") AS c (id, mailbox_id, folder_id, envelope_id, size_bytes, sender, "
                + "recipients_from, recipients_to, sent_at)), "
                + "requests AS (INSERT INTO send_request (mailbox_id, idempotency_key, sent_message_id, created_at, request_digest) "
                + "SELECT r.mailbox_id, r.idempotency_key, r.sent_message_id, r.created_at, r.request_digest FROM unnest("
                + a.bind(c.requestMailboxes(), "uuid[]") + ", " + a.bind(c.requestKeys(), "varchar[]") + ", "
                + a.bind(c.requestMessages(), "uuid[]") + ", " + a.bind(c.requestTimes(), "timestamptz[]") + ", "
                + a.bind(c.requestDigests(), "bytea[]") + ") AS r (mailbox_id, idempotency_key, sent_message_id, created_at, request_digest)), "
                + events.clauses(a) + ", "
                + "usage AS (INSERT INTO mailbox_usage (mailbox_id, stripe, bytes) SELECT u.mailbox_id, " + a.bind(stripe, "smallint")
                + ", u.bytes FROM unnest(" + a.bind(c.usageMailboxes(), "uuid[]") + ", " + a.bind(c.usageBytes(), "bigint[]")
                + ") AS u (mailbox_id, bytes) ON CONFLICT (mailbox_id, stripe) DO UPDATE SET bytes = mailbox_usage.bytes + excluded.bytes) "
                + "SELECT 1";
    }

    /** One copy's row of the statement: the copy, and what it takes from its send. */
    private record CopyRow(MessageCopy copy, Delivery delivery, int recipientsFrom, int recipientsTo) {
    }

    /** The sends' envelopes, copies, usage and requests as arrays, one per column of the statement. */
    private record SendColumns(UUID[] envelopeIds, Integer[] envelopeCopies, Buffer[] envelopeBytes, UUID[] copyIds, UUID[] copyMailboxes,
            UUID[] copyFolders, UUID[] copyEnvelopes, Long[] copySizes, String[] copySenders, Integer[] copyRecipientsFrom,
            Integer[] copyRecipientsTo, OffsetDateTime[] copySentAt, String[] recipients, UUID[] usageMailboxes, Long[] usageBytes,
            UUID[] requestMailboxes, String[] requestKeys, UUID[] requestMessages, OffsetDateTime[] requestTimes, Buffer[] requestDigests) {

        static SendColumns of(List<Delivery> deliveries) {
            List<CopyRow> copies = new ArrayList<>();
            List<String> recipients = new ArrayList<>();
            // sorted: two writes meeting on a stripe of the same mailboxes lock them in the same order; and
            // summed, since one statement may not update a row twice
            Map<UUID, Long> usage = new TreeMap<>();
            for (Delivery delivery : deliveries) {
                int recipientsFrom = recipients.size() + 1;
                recipients.addAll(delivery.recipients());
                delivery.copies().forEach(copy -> copies.add(new CopyRow(copy, delivery, recipientsFrom, recipients.size())));
                delivery.bytesByMailbox().forEach((mailbox, bytes) -> usage.merge(mailbox, bytes, Long::sum));
            }
            List<Delivery> requested = deliveries.stream().filter(delivery -> delivery.request() != null).toList();
            return new SendColumns(
                    column(deliveries, Delivery::envelopeId, UUID[]::new),
                    column(deliveries, delivery -> delivery.copies().size(), Integer[]::new),
                    column(deliveries, delivery -> Buffer.buffer(delivery.envelope()), Buffer[]::new),
                    column(copies, row -> row.copy().id(), UUID[]::new),
                    column(copies, row -> row.copy().mailboxId(), UUID[]::new),
                    column(copies, row -> row.copy().folderId(), UUID[]::new),
                    column(copies, row -> row.delivery().envelopeId(), UUID[]::new),
                    column(copies, row -> (long) row.delivery().envelope().length, Long[]::new),
                    column(copies, row -> row.delivery().sender(), String[]::new),
                    column(copies, CopyRow::recipientsFrom, Integer[]::new),
                    column(copies, CopyRow::recipientsTo, Integer[]::new),
                    column(copies, row -> sentAt(row.delivery()), OffsetDateTime[]::new),
                    recipients.toArray(String[]::new),
                    usage.keySet().toArray(UUID[]::new),
                    usage.values().toArray(Long[]::new),
                    column(requested, delivery -> delivery.request().senderMailboxId(), UUID[]::new),
                    column(requested, delivery -> delivery.request().idempotencyKey(), String[]::new),
                    column(requested, delivery -> delivery.request().sentMessageId(), UUID[]::new),
                    column(requested, DeliveryRepository::sentAt, OffsetDateTime[]::new),
                    column(requested, delivery -> Buffer.buffer(delivery.request().requestDigest()), Buffer[]::new));
        }
    }

    private static <R, T> T[] column(List<R> rows, Function<R, T> value, IntFunction<T[]> array) {
        return rows.stream().map(value).toArray(array);
    }

    private static OffsetDateTime sentAt(Delivery delivery) {
        return OffsetDateTime.ofInstant(delivery.sentAt(), ZoneOffset.UTC);
    }

    /** Another send recorded the same Idempotency-Key between our check and our write. */
    public static final class IdempotencyKeyTaken extends RuntimeException {
        IdempotencyKeyTaken() {
            super("Idempotency-Key already recorded", null, false, false);
        }
    }
}
