package dev.sealpost.client.mail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.client.ClientException;
import dev.sealpost.client.http.ApiHttp;
import dev.sealpost.client.keys.ContactPins;
import dev.sealpost.client.keys.KeyDirectory;
import dev.sealpost.client.keys.VerifiedBundle;
import dev.sealpost.client.state.ClientHome;
import dev.sealpost.client.state.LocalFiles;
import dev.sealpost.crypto.Addressing;
import dev.sealpost.crypto.AttachmentInfo;
import dev.sealpost.crypto.Contact;
import dev.sealpost.crypto.CryptoException;
import dev.sealpost.crypto.Envelope;
import dev.sealpost.crypto.EnvelopeContent;
import dev.sealpost.crypto.EnvelopeHeader;
import dev.sealpost.crypto.Mailbox;
import dev.sealpost.crypto.OpenedFiles;
import dev.sealpost.crypto.OpenedHead;
import dev.sealpost.crypto.PartSource;
import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.crypto.PublicBundle;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Mail as the user sees it; sealing and opening happen here, on the client. A send looks up every
 * recipient in the key directory (verified against the log, checked against the pinned
 * fingerprints) and seals one copy for the To and Cc recipients and one per Bcc recipient, each also
 * for the sender (so the sent copies can be read); a read verifies the sender's hybrid signature
 * with the sender's logged key, and that the signed manifest names this reader and that sender,
 * before it shows anything.
 */
public final class MailClient {

    /** As the mail-service allows; checked here first so a user is told before sealing. */
    public static final int MAX_RECIPIENTS = 64;
    public static final int MAX_PAGE = 200;
    /** How many earlier key versions of a sender are tried for an older message. */
    private static final int SENDER_VERSIONS_BACK = 16;

    private final ApiHttp api;
    private final KeyDirectory directory;
    private final ContactPins pins;
    private final String ownAddress;

    public MailClient(ApiHttp api, KeyDirectory directory, ContactPins pins, String ownAddress) {
        this.api = api;
        this.directory = directory;
        this.pins = pins;
        this.ownAddress = ownAddress;
    }

    public record Sent(UUID messageId, int recipients, boolean replayed) {
    }

    public record Page(List<MessageSummary> messages, String next) {
    }

    public record Quota(String address, long usedBytes, long quotaBytes) {
    }

    /** Every recipient checked (directory, log, pin) before anything is sealed or sent. */
    public List<VerifiedBundle> recipients(List<String> to) throws ClientException {
        Set<String> addresses = new LinkedHashSet<>();
        for (String address : to) {
            addresses.add(ClientHome.normalize(address));
        }
        if (addresses.isEmpty() || addresses.size() > MAX_RECIPIENTS) {
            throw new ClientException.LocalState("between 1 and " + MAX_RECIPIENTS + " recipients");
        }
        List<VerifiedBundle> bundles = new ArrayList<>();
        for (String address : addresses) {
            VerifiedBundle bundle = directory.lookup(address);
            if (!address.equals(ownAddress)) {
                pins.check(bundle);
            }
            bundles.add(bundle);
        }
        return bundles;
    }

    public Sent send(Draft draft, PrivateKeys sender, Progress progress) throws ClientException {
        return send(draft, recipients(draft.addresses()), sender, progress);
    }

    /**
     * With the draft's recipients (To, Cc and Bcc) already checked by {@link #recipients} (the CLI
     * checks them before it asks for the passphrase). The To and Cc recipients get one sealed copy;
     * every Bcc recipient gets their own, uploaded separately, so no one else learns of them.
     */
    public Sent send(Draft draft, List<VerifiedBundle> recipients, PrivateKeys sender, Progress progress) throws ClientException {
        VerifiedBundle self = directory.lookup(ownAddress);
        if (!self.fingerprint().equals(sender.publicBundle().fingerprint())) {
            throw new ClientException.LocalState("the directory's key of " + ownAddress + " is not this client's key: publish it "
                    + "(`sealpost keys init`) or restore the matching keys first");
        }
        Map<String, PublicBundle> verified = new LinkedHashMap<>();
        recipients.forEach(recipient -> verified.put(recipient.address(), recipient.bundle()));
        Addressing addressing;
        try {
            Addressing.Builder builder = Addressing.builder().to(contacts(draft.to(), verified)).cc(contacts(draft.cc(), verified))
                    .bcc(contacts(draft.bcc(), verified));
            if (draft.thread() != null) {
                builder.inReplyTo(draft.thread().inReplyTo(), draft.thread().references());
            }
            addressing = builder.build();
        } catch (IllegalArgumentException e) {
            throw new ClientException.LocalState(e.getMessage());
        }
        EnvelopeContent.Builder content = EnvelopeContent.builder().subject(draft.subject()).body(draft.body());
        long total = draft.body().length;
        try {
            for (Path attachment : draft.attachments()) {
                content.attachment(attachment.getFileName().toString(), mediaType(attachment), PartSource.ofFile(attachment));
                total += Files.size(attachment);
            }
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot read an attachment: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ClientException.LocalState("cannot attach: " + e.getMessage());
        }
        List<Path> sealed = new ArrayList<>();
        List<List<String>> deliverTo = new ArrayList<>();
        try {
            long plaintextBytes = total;
            Envelope.seal(content.build(), addressing, new Mailbox(ownAddress, sender), addresses -> {
                Path file = Files.createTempFile("sealpost-", ".spen");
                sealed.add(file);
                deliverTo.add(addresses);
                return new CountingOutputStream(Files.newOutputStream(file),
                        written -> progress.update("sealing", Math.min(written, plaintextBytes), plaintextBytes));
            });
            UUID first = null;
            int delivered = 0;
            boolean replayed = true;
            for (int i = 0; i < sealed.size(); i++) {
                Sent copy = upload(sealed.get(i), deliverTo.get(i), progress);
                first = first == null ? copy.messageId() : first;
                delivered += copy.recipients();
                replayed &= copy.replayed();
            }
            return new Sent(first, delivered, replayed);
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot seal the message: " + e.getMessage(), e);
        } finally {
            sealed.forEach(MailClient::deleteQuietly);
        }
    }

    private static List<Contact> contacts(List<String> addresses, Map<String, PublicBundle> verified) throws ClientException {
        List<Contact> contacts = new ArrayList<>();
        for (String address : addresses) {
            PublicBundle bundle = verified.get(ClientHome.normalize(address));
            if (bundle == null) {
                throw new ClientException.LocalState(address + " was not checked in the key directory");
            }
            contacts.add(new Contact(ClientHome.normalize(address), bundle));
        }
        return contacts;
    }

    /** The file's media type as the platform guesses it, or application/octet-stream. */
    private static String mediaType(Path file) {
        try {
            String probed = Files.probeContentType(file);
            if (probed != null && probed.matches("[\\x21-\\x7e]+/[\\x21-\\x7e]+") && probed.length() <= 255) {
                return probed;
            }
        } catch (IOException ignored) {
            // a guess only
        }
        return "application/octet-stream";
    }

    private Sent upload(Path sealed, List<String> deliverTo, Progress progress) throws IOException, ClientException {
        long size = Files.size(sealed);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return new CountingInputStream(Files.newInputStream(sealed), read -> progress.update("uploading", read, size));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), size);
        StringBuilder path = new StringBuilder("/api/mail/messages?");
        for (String address : deliverTo) {
            path.append(path.charAt(path.length() - 1) == '?' ? "" : "&").append("to=").append(ApiHttp.segment(address));
        }
        JsonNode answer = api.post(path.toString(), body, "application/octet-stream",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        return new Sent(UUID.fromString(answer.path("messageId").asText()), answer.path("recipients").asInt(),
                answer.path("replayed").asBoolean());
    }

    public List<String> folders() throws ClientException {
        List<String> folders = new ArrayList<>();
        api.getJson("/api/mail/folders").forEach(folder -> folders.add(folder.asText()));
        return folders;
    }

    /** Creates a folder of your own; refused (409) when you have one of that name or too many already. */
    public void createFolder(String name) throws ClientException {
        api.sendJson("POST", "/api/mail/folders", Map.of("name", name));
    }

    public Page list(String folder, int limit, String after) throws ClientException {
        JsonNode page = api.getJson("/api/mail/folders/" + ApiHttp.segment(folder) + "/messages"
                + ApiHttp.query(queryOf("limit", Math.min(Math.max(limit, 1), MAX_PAGE), "after", after)));
        List<MessageSummary> messages = new ArrayList<>();
        for (JsonNode message : page.path("messages")) {
            messages.add(ApiHttp.JSON.convertValue(message, MessageSummary.class));
        }
        return new Page(messages, page.hasNonNull("next") ? page.get("next").asText() : null);
    }

    public MessageSummary summary(UUID id) throws ClientException {
        return ApiHttp.JSON.convertValue(api.getJson("/api/mail/messages/" + id), MessageSummary.class);
    }

    /**
     * Fetches, verifies and decrypts one message into a private temporary directory, one segment in
     * memory at a time; marks it seen only after it opened. The caller closes the result.
     */
    public OpenedMessage read(UUID id, PrivateKeys me) throws ClientException {
        MessageSummary summary = summary(id);
        Path envelope = null;
        Path workDirectory = null;
        try {
            envelope = Files.createTempFile("sealpost-", ".spen");
            try (InputStream in = api.getStream("/api/mail/messages/" + id + "/envelope")) {
                Files.copy(in, envelope, StandardCopyOption.REPLACE_EXISTING);
            }
            EnvelopeHeader header = EnvelopeHeader.parse(envelope);
            VerifiedBundle sender = directory.lookupByFingerprint(summary.senderAddress(), header.sender(), SENDER_VERSIONS_BACK);
            workDirectory = Files.createTempDirectory("sealpost-read-");
            OpenedFiles opened = Envelope.open(envelope, new Mailbox(ownAddress, me), new Contact(summary.senderAddress(), sender.bundle()),
                    workDirectory);
            List<OpenedMessage.OpenedAttachment> attachments = new ArrayList<>();
            for (int i = 0; i < opened.attachments().size(); i++) {
                Path file = opened.attachments().get(i);
                AttachmentInfo info = opened.manifest().map(manifest -> manifest.attachments()).orElse(List.of()).stream()
                        .skip(i).findFirst().orElse(new AttachmentInfo("attachment-" + (i + 1), "application/octet-stream", Files.size(file)));
                attachments.add(new OpenedMessage.OpenedAttachment(info.name(), info.mediaType(), Files.size(file), file));
            }
            OpenedMessage message = new OpenedMessage(summary, header.version(), opened.manifest(), opened.subject(),
                    Files.readAllBytes(opened.body()), attachments, sender.fingerprint().toHex(), sender.version(), workDirectory);
            if (!summary.seen()) {
                flags(id, true, null);
            }
            workDirectory = null; // the message owns it now
            return message;
        } catch (CryptoException e) {
            throw new ClientException.Unopenable("message " + id + " cannot be opened: " + e.getClass().getSimpleName(), e);
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot open message " + id + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(envelope);
            LocalFiles.deleteTreeQuietly(workDirectory);
        }
    }

    /**
     * What an inbox shows of each message without opening it: the subject, the verified sender and
     * the signed date and attachment names, verified from the envelope's head (a prefix the mail
     * service serves). A format 1 message has no head; a head that fails to verify is reported, and
     * nothing of it is shown.
     */
    public List<InboxEntry> heads(List<MessageSummary> messages, PrivateKeys me) throws ClientException {
        Mailbox reader = new Mailbox(ownAddress, me);
        Map<String, VerifiedBundle> senders = new LinkedHashMap<>();
        List<InboxEntry> entries = new ArrayList<>();
        for (MessageSummary message : messages) {
            byte[] head;
            try {
                head = api.getBytes("/api/mail/messages/" + message.id() + "/head");
            } catch (ClientException.ApiProblem e) {
                if (e.status() != 404) {
                    throw e;
                }
                entries.add(new InboxEntry(message, null, "format 1: open it to read the subject"));
                continue;
            }
            try {
                EnvelopeHeader header = EnvelopeHeader.parseHead(head);
                String key = message.senderAddress() + " " + header.sender().toHex();
                VerifiedBundle sender = senders.get(key);
                if (sender == null) {
                    try {
                        sender = directory.lookupByFingerprint(message.senderAddress(), header.sender(), SENDER_VERSIONS_BACK);
                    } catch (ClientException.Unreachable e) {
                        throw e;
                    } catch (ClientException e) {
                        entries.add(new InboxEntry(message, null, "the sender's key is not verified: " + e.getMessage()));
                        continue;
                    }
                    senders.put(key, sender);
                }
                OpenedHead opened = Envelope.openHead(head, reader, new Contact(message.senderAddress(), sender.bundle()));
                entries.add(new InboxEntry(message, new InboxEntry.Head(opened.subject(), opened.manifest().from(), opened.manifest().date(),
                        opened.manifest().attachments().stream().map(AttachmentInfo::name).toList(),
                        opened.manifest().inReplyTo().isPresent()), null));
            } catch (CryptoException e) {
                entries.add(new InboxEntry(message, null, "does not verify (" + e.getClass().getSimpleName() + ")"));
            }
        }
        return entries;
    }

    public void flags(UUID id, Boolean seen, Boolean flagged) throws ClientException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("seen", seen);
        body.put("flagged", flagged);
        api.sendJson("PATCH", "/api/mail/messages/" + id, body);
    }

    public void move(UUID id, String folder) throws ClientException {
        api.sendJson("POST", "/api/mail/messages/" + id + "/move", Map.of("folder", folder));
    }

    /** To the trash; from the trash, for good. */
    public void delete(UUID id) throws ClientException {
        api.sendJson("DELETE", "/api/mail/messages/" + id, null);
    }

    public Quota quota() throws ClientException {
        return ApiHttp.JSON.convertValue(api.getJson("/api/mail/quota"), Quota.class);
    }

    private static Map<String, Object> queryOf(Object... keysAndValues) {
        Map<String, Object> query = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            query.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return query;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file of ciphertext only; the OS cleans its temp directory
            }
        }
    }

    /** Counts bytes and reports the total at most every 256 KiB, so a bar moves without flooding the terminal. */
    private static final class ByteCounter {
        private final java.util.function.LongConsumer report;
        private long count;
        private long reported;

        ByteCounter(java.util.function.LongConsumer report) {
            this.report = report;
        }

        void add(long bytes) {
            count += bytes;
            if (count - reported >= 256 * 1024) {
                reported = count;
                report.accept(count);
            }
        }

        void finish() {
            report.accept(count);
        }
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        private final ByteCounter counter;

        CountingOutputStream(OutputStream out, java.util.function.LongConsumer report) {
            super(out);
            this.counter = new ByteCounter(report);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            counter.add(length);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void close() throws IOException {
            counter.finish();
            super.close();
        }
    }

    private static final class CountingInputStream extends java.io.FilterInputStream {
        private final ByteCounter counter;

        CountingInputStream(InputStream in, java.util.function.LongConsumer report) {
            super(in);
            this.counter = new ByteCounter(report);
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int read = in.read(bytes, offset, length);
            if (read > 0) {
                counter.add(read);
            } else if (read < 0) {
                counter.finish();
            }
            return read;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }
}
