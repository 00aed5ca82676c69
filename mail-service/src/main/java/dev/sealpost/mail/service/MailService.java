package dev.sealpost.mail.service;

import dev.sealpost.crypto.CryptoException;
import dev.sealpost.crypto.EnvelopeFormat;
import dev.sealpost.crypto.EnvelopeHeader;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.events.UuidV7;
import dev.sealpost.mail.config.MailConfig;
import dev.sealpost.mail.domain.FolderKind;
import dev.sealpost.mail.domain.Mailbox;
import dev.sealpost.mail.domain.MessageSummary;
import dev.sealpost.mail.repository.DeliveryRepository;
import dev.sealpost.mail.repository.DeliveryRepository.Delivery;
import dev.sealpost.mail.repository.DeliveryRepository.DeliveryTarget;
import dev.sealpost.mail.repository.DeliveryRepository.DeliveryTargets;
import dev.sealpost.mail.repository.DeliveryRepository.MessageCopy;
import dev.sealpost.mail.repository.DeliveryRepository.SendRequest;
import dev.sealpost.mail.repository.FolderRepository;
import dev.sealpost.mail.repository.MailboxRepository;
import dev.sealpost.mail.repository.MessageRepository;
import dev.sealpost.passport.Passport;
import dev.sealpost.outbox.Outbox;
import dev.sealpost.service.rest.KeysetCursor;
import dev.sealpost.service.rest.MailAddresses;
import dev.sealpost.service.rest.ProblemException;
import dev.sealpost.service.security.PassportConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Mailboxes of ciphertext. A caller reaches only the mailbox of their own passport subject; any
 * other message id is answered as not found and recorded as an access-denied event. Every change
 * and its events commit in one transaction.
 */
@ApplicationScoped
public class MailService {

    public static final int MAX_PAGE = 200;
    private static final Pattern FOLDER_NAME = Pattern.compile("[\\p{L}\\p{N} _.-]{1,64}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private final MailboxRepository mailboxes;
    private final FolderRepository folders;
    private final MessageRepository messages;
    private final DeliveryRepository deliveries;
    private final DeliveryQueue deliveryQueue;
    private final Outbox outbox;
    private final MailConfig config;
    private final dev.sealpost.service.config.BodyLimitsConfig limits;
    private final MailboxAccessLog accessLog;
    private final PassportConfig passports;

    public MailService(MailboxRepository mailboxes, FolderRepository folders, MessageRepository messages, DeliveryRepository deliveries,
            DeliveryQueue deliveryQueue, Outbox outbox, MailConfig config, MailboxAccessLog accessLog, PassportConfig passports,
            dev.sealpost.service.config.BodyLimitsConfig limits) {
        this.limits = limits;
        this.mailboxes = mailboxes;
        this.folders = folders;
        this.messages = messages;
        this.deliveries = deliveries;
        this.deliveryQueue = deliveryQueue;
        this.outbox = outbox;
        this.config = config;
        this.accessLog = accessLog;
        this.passports = passports;
    }

    public record SendResult(UUID messageId, int recipients, boolean replayed) {
    }

    public record Page(List<MessageSummary> messages, String next) {
    }

    public record Quota(String address, long usedBytes, long quotaBytes) {
    }

    /** The caller's mailbox, created with its standard folders on first use. Needs a session. */
    private Uni<Mailbox> mailbox(Passport caller) {
        if (caller.address() == null) {
            throw ProblemException.forbidden("the passport carries no mail address");
        }
        return mailboxes.byOwner(caller.tenant(), caller.subject()).chain(existing -> existing
                .map(mailbox -> Uni.createFrom().item(mailbox))
                .orElseGet(() -> Panache.withTransaction(() -> mailboxes.createIfAbsent(caller.tenant(),
                                caller.subject(), caller.address(), config.defaultQuotaBytes()))
                        .chain(() -> mailboxes.byOwner(caller.tenant(), caller.subject()))
                        .map(created -> created.orElseThrow(() -> ProblemException.conflict(
                                "the address " + caller.address() + " belongs to another mailbox")))));
    }

    public Uni<SendResult> send(Passport caller, List<String> rawRecipients, byte[] envelope, String idempotencyKey,
            RequestContext context) {
        if (caller.address() == null) {
            throw ProblemException.forbidden("the passport carries no mail address");
        }
        List<String> recipients = normalizeRecipients(rawRecipients);
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw ProblemException.badRequest("Idempotency-Key: 1 to 128 characters of letters, digits and _.:-");
        }
        if (envelope == null || envelope.length == 0) {
            throw ProblemException.badRequest("the body must be a sealed envelope (application/octet-stream)");
        }
        if (envelope.length > limits.messageBytes()) {
            throw new ProblemException(413, "Content Too Large", "a message has at most " + limits.messageBytes() + " bytes");
        }
        EnvelopeHeader header;
        try {
            header = EnvelopeHeader.parse(envelope);
        } catch (CryptoException e) {
            throw ProblemException.badRequest("not a valid sealed envelope (" + e.getClass().getSimpleName() + ")");
        }
        if (header.recipients().size() < recipients.size()) {
            throw ProblemException.badRequest("the envelope is sealed for fewer recipients than listed");
        }
        if (idempotencyKey == null) {
            return targets(caller, recipients).chain(targets -> deliver(caller, targets, recipients, envelope, null, context));
        }
        SendRequestDigest digest = SendRequestDigest.of(recipients, envelope);
        return deliveries.earlierSend(caller.tenant(), caller.subject(), idempotencyKey).chain(earlier -> {
            if (earlier.isEmpty()) {
                return targets(caller, recipients).chain(targets -> deliver(caller, targets, recipients, envelope,
                        new IdempotentRequest(idempotencyKey, digest), context));
            }
            if (!digest.matches(earlier.get().requestDigest())) {
                throw ProblemException.conflict("this Idempotency-Key was used for another message (other recipients or other bytes); "
                        + "a new message needs a new key");
            }
            return Uni.createFrom().item(new SendResult(earlier.get().sentMessageId(), recipients.size(), true));
        });
    }

    /** A send's Idempotency-Key and the digest of the request it names. */
    private record IdempotentRequest(String key, SendRequestDigest digest) {
    }

    /** The sender's and the recipients' mailboxes; the sender's is created on first use. */
    private Uni<DeliveryTargets> targets(Passport caller, List<String> recipients) {
        Uni<DeliveryTargets> read = Uni.createFrom().deferred(() -> deliveries.targets(recipients, caller.tenant(), caller.subject()));
        return read.chain(targets -> targets.sender().isEmpty() ? Panache.withSession(() -> mailbox(caller)).chain(() -> read) : Uni.createFrom().item(targets));
    }

    /**
     * Checks recipients and quotas, then writes every copy, the usage and the events in one statement
     * (shared with the sends that wait for a writer at the same time: {@link DeliveryQueue}).
     */
    private Uni<SendResult> deliver(Passport caller, DeliveryTargets targets, List<String> recipients, byte[] envelope,
            IdempotentRequest idempotency, RequestContext context) {
        List<String> unknown = recipients.stream().filter(address -> !targets.byAddress().containsKey(address)).toList();
        if (!unknown.isEmpty()) {
            throw ProblemException.badRequest("unknown recipients: " + String.join(", ", unknown));
        }
        DeliveryTarget sent = targets.sender().get(FolderKind.SENT);
        Mailbox sender = sent.mailbox();
        UUID sentId = UuidV7.next();
        List<MessageCopy> copies = new ArrayList<>();
        List<SecurityEvent> events = new ArrayList<>();
        Map<UUID, Mailbox> mailboxes = new HashMap<>();
        copies.add(new MessageCopy(sentId, sender.id(), sent.folderId()));
        mailboxes.put(sender.id(), sender);
        events.add(MailEvents.event(SecurityEventType.MESSAGE_SENT, caller.tenant(), caller, context)
                .target("message:" + sentId + " recipients=" + recipients.size()).build());
        for (String address : recipients) {
            DeliveryTarget inbox = targets.byAddress().get(address).get(FolderKind.INBOX);
            Mailbox recipient = inbox.mailbox();
            UUID copyId = UuidV7.next();
            copies.add(new MessageCopy(copyId, recipient.id(), inbox.folderId()));
            mailboxes.put(recipient.id(), recipient);
            // the recipient's log: the recipient's tenant, the sender as actor
            events.add(MailEvents.event(SecurityEventType.MESSAGE_RECEIVED, recipient.tenant(), caller, context)
                    .owner(MailEvents.owner(passports, recipient.tenant(), recipient.ownerSubject(), recipient.address()))
                    .target("message:" + copyId + " to " + address).build());
        }
        // every copy counts against the mailbox that holds it (the sender's sent copy too)
        Map<UUID, Long> bytesByMailbox = new HashMap<>();
        copies.forEach(copy -> bytesByMailbox.merge(copy.mailboxId(), (long) envelope.length, Long::sum));
        mailboxes.values().stream()
                .filter(mailbox -> mailbox.usedBytes() + bytesByMailbox.get(mailbox.id()) > mailbox.quotaBytes())
                .findFirst().ifPresent(full -> {
                    throw new ProblemException(413, "Content Too Large", full.id().equals(sender.id())
                            ? "your mailbox is over its quota" : "the mailbox of " + full.address() + " is full (over its quota)");
                });
        SendRequest request = idempotency == null ? null
                : new SendRequest(sender.id(), idempotency.key(), sentId, idempotency.digest().bytes());
        return deliveryQueue.deliver(new Delivery(UuidV7.next(), envelope, sender.address(), recipients, Instant.now(), copies, bytesByMailbox,
                        events, request))
                .onFailure(DeliveryRepository.IdempotencyKeyTaken.class)
                .transform(taken -> ProblemException.conflict("a send with this Idempotency-Key was just made; retry to get its result"))
                .replaceWith(new SendResult(sentId, recipients.size(), false));
    }

    @WithSession
    public Uni<List<String>> folders(Passport caller, RequestContext context) {
        return mailbox(caller).chain(mailbox -> {
            accessLog.accessed(mailbox, caller, context);
            return folders.names(mailbox.id());
        });
    }

    /**
     * Creates a folder of the caller's own. Folders are permanent (V2_5: a copy's folder is checked
     * without a lock because no folder ever goes away), so there is no deletion to go with it.
     */
    @WithSession
    public Uni<String> createFolder(Passport caller, String name) {
        // "." and ".." would be path segments that URLs resolve away (/folders/../messages)
        if (name == null || !FOLDER_NAME.matcher(name).matches() || !name.strip().equals(name) || name.chars().allMatch(c -> c == '.')) {
            throw ProblemException.badRequest("a folder name of 1 to 64 letters, digits, spaces and _.-, "
                    + "not starting or ending with a space, not only dots");
        }
        return mailbox(caller).chain(mailbox -> Panache.withTransaction(() -> folders.createUserFolder(mailbox.id(), name,
                config.maxUserFolders()))).map(creation -> switch (creation) {
                    case CREATED -> name;
                    case NAME_TAKEN -> throw ProblemException.conflict("you already have a folder named " + name);
                    case TOO_MANY -> throw ProblemException.conflict("a mailbox has at most " + config.maxUserFolders() + " folders of its own");
                });
    }

    @WithSession
    public Uni<Page> list(Passport caller, String folder, Integer limit, String cursor, RequestContext context) {
        int pageSize = limit == null ? 50 : limit;
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw ProblemException.badRequest("limit must be 1.." + MAX_PAGE);
        }
        KeysetCursor after = cursor == null ? null : KeysetCursor.parse(cursor);
        return mailbox(caller).chain(mailbox -> folders.idOf(mailbox.id(), folder).chain(folderId -> {
            if (folderId.isEmpty()) {
                throw ProblemException.notFound("no such folder");
            }
            accessLog.accessed(mailbox, caller, context);
            return messages.page(folderId.get(), folder, after == null ? null : after.time(), after == null ? null : after.id(), pageSize)
                    .map(messages -> new Page(messages, messages.size() < pageSize ? null
                            : new KeysetCursor(messages.get(messages.size() - 1).receivedAt(), messages.get(messages.size() - 1).id()).encode()));
        }));
    }

    @WithSession
    public Uni<MessageSummary> message(Passport caller, UUID id, RequestContext context) {
        return mailbox(caller).chain(mailbox -> messages.summary(mailbox.id(), id).chain(found -> found
                .map(summary -> {
                    accessLog.accessed(mailbox, caller, context);
                    return Uni.createFrom().item(summary);
                })
                .orElseGet(() -> denied(caller, id, "read", context))));
    }

    @WithSession
    public Uni<byte[]> envelope(Passport caller, UUID id, RequestContext context) {
        return mailbox(caller).chain(mailbox -> messages.envelope(mailbox.id(), id).chain(found -> found
                .map(bytes -> {
                    accessLog.accessed(mailbox, caller, context);
                    return Uni.createFrom().item(bytes);
                })
                .orElseGet(() -> denied(caller, id, "read", context))));
    }

    /**
     * The head of a format v2 envelope: the prefix from which the reader's client verifies and
     * decrypts header, manifest and subject ({@link EnvelopeHeader#headLength()}), for an inbox that
     * shows subjects without fetching bodies. A v1 envelope has none (404).
     */
    @WithSession
    public Uni<byte[]> head(Passport caller, UUID id, RequestContext context) {
        return envelope(caller, id, context).map(bytes -> {
            long headLength;
            try {
                headLength = EnvelopeHeader.parse(bytes).headLength();
            } catch (CryptoException e) {
                throw new IllegalStateException("a stored envelope no longer parses", e);
            }
            if (headLength == 0) {
                throw ProblemException.notFound("this message is in envelope format 1, which has no head: fetch the envelope");
            }
            return java.util.Arrays.copyOf(bytes, (int) headLength);
        });
    }

    @WithSession
    public Uni<Void> flags(Passport caller, UUID id, Boolean seen, Boolean flagged, RequestContext context) {
        if (seen == null && flagged == null) {
            throw ProblemException.badRequest("give seen and/or flagged");
        }
        return mailbox(caller).chain(mailbox -> Panache.withTransaction(() -> messages.setFlags(mailbox.id(), id, seen, flagged))
                .chain(changed -> changed == 1 ? Uni.createFrom().voidItem() : denied(caller, id, "flag", context)));
    }

    @WithSession
    public Uni<Void> move(Passport caller, UUID id, String folder, RequestContext context) {
        if (folder == null || !FOLDER_NAME.matcher(folder).matches()) {
            throw ProblemException.badRequest("a folder name of 1 to 64 letters, digits, spaces and _.-");
        }
        return mailbox(caller).chain(mailbox -> folders.idOf(mailbox.id(), folder).chain(folderId -> {
            if (folderId.isEmpty()) {
                throw ProblemException.notFound("no such folder");
            }
            boolean toTrash = FolderKind.TRASH.standardName().equals(folder);
            return Panache.withTransaction(() -> messages.move(mailbox.id(), id, folderId.get(), toTrash))
                    .chain(changed -> changed == 1 ? Uni.createFrom().voidItem() : denied(caller, id, "move", context));
        }));
    }

    /** To the trash; from the trash, for good (the bytes go back to the quota). */
    @WithSession
    public Uni<Void> delete(Passport caller, UUID id, RequestContext context) {
        return mailbox(caller).chain(mailbox -> messages.summary(mailbox.id(), id).chain(found -> {
            if (found.isEmpty()) {
                return denied(caller, id, "delete", context);
            }
            boolean inTrash = FolderKind.TRASH.standardName().equals(found.get().folder());
            SecurityEvent deleted = MailEvents.event(SecurityEventType.MESSAGE_DELETED, mailbox.tenant(), caller, context)
                    .target("message:" + id + (inTrash ? " purged" : " to trash")).build();
            return Panache.withTransaction(() -> {
                Uni<Void> change = inTrash
                        ? messages.purge(mailbox.id(), id).invoke(freed -> {
                            if (freed.isEmpty()) {
                                // purged by a concurrent request of the owner a moment ago
                                throw ProblemException.notFound("no such message");
                            }
                        }).replaceWithVoid()
                        : folders.idOf(mailbox.id(), FolderKind.TRASH.standardName())
                                .chain(trash -> messages.move(mailbox.id(), id, trash.orElseThrow(), true)).replaceWithVoid();
                return change.chain(() -> Panache.getSession()).chain(session -> outbox.append(session, deleted));
            });
        }));
    }

    @WithSession
    public Uni<Quota> quota(Passport caller) {
        return mailbox(caller).map(mailbox -> new Quota(mailbox.address(), mailbox.usedBytes(), mailbox.quotaBytes()));
    }

    /**
     * Not the caller's message (or none at all): the same 404 either way, so ids cannot be probed,
     * and an event in the caller's log — and in the owner's, if the message exists.
     */
    private <T> Uni<T> denied(Passport caller, UUID messageId, String action, RequestContext context) {
        return messages.holder(messageId).chain(holder -> {
            SecurityEvent.Actor owner = holder.map(found -> MailEvents.owner(passports, found.tenant(), found.ownerSubject(), found.address()))
                    .orElse(null);
            // the actor's tenant always; the owner's too when it is another one
            List<String> tenants = new ArrayList<>(List.of(caller.tenant()));
            holder.map(MessageRepository.Holder::tenant).filter(tenant -> !tenants.contains(tenant)).ifPresent(tenants::add);
            return Panache.withTransaction(() -> Panache.getSession().chain(session -> Multi.createFrom().iterable(tenants)
                    .onItem().transformToUniAndConcatenate(tenant -> outbox.append(session, MailEvents.event(
                            SecurityEventType.MAILBOX_ACCESS_DENIED, tenant, caller, context).owner(owner)
                            .target("message:" + messageId + " action=" + action).failure("not_owner").build()))
                    .collect().asList()));
        }).map(ignored -> {
            throw ProblemException.notFound("no such message");
        });
    }

    private static List<String> normalizeRecipients(List<String> raw) {
        if (raw == null || raw.isEmpty()) {
            throw ProblemException.badRequest("at least one recipient (to=...)");
        }
        if (raw.size() > EnvelopeFormat.MAX_RECIPIENTS) {
            throw ProblemException.badRequest("at most " + EnvelopeFormat.MAX_RECIPIENTS + " recipients");
        }
        LinkedHashSet<String> addresses = new LinkedHashSet<>();
        for (String address : raw) {
            addresses.add(MailAddresses.normalize(address));
        }
        return List.copyOf(addresses);
    }
}
