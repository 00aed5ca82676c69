package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.Addresses;
import dev.sealpost.crypto.internal.ByteReader;
import dev.sealpost.crypto.internal.ByteWriter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The signed, encrypted facts of a version 2 message that v1 left unsigned or in the clear: its id,
 * date, sender and recipient addresses, thread, the true lengths of subject and body, and each
 * attachment's name, media type and length. docs/crypto.md gives the encoding.
 */
public final class Manifest {

    public static final int MAX_NAME_BYTES = 16 * 1024;
    public static final int MAX_MEDIA_TYPE_BYTES = 255;
    /** 9999-12-31T23:59:59.999Z: dates are milliseconds since the epoch, up to the end of year 9999. */
    private static final long MAX_DATE_MILLIS = 253_402_300_799_999L;

    private final MessageId messageId;
    private final Instant date;
    private final String from;
    private final List<String> to;
    private final List<String> cc;
    private final List<String> bcc;
    private final MessageId inReplyTo;
    private final List<MessageId> references;
    private final long subjectLength;
    private final long bodyLength;
    private final List<AttachmentInfo> attachments;

    Manifest(MessageId messageId, Instant date, String from, List<String> to, List<String> cc, List<String> bcc, MessageId inReplyTo,
            List<MessageId> references, long subjectLength, long bodyLength, List<AttachmentInfo> attachments) {
        this.messageId = messageId;
        this.date = date;
        this.from = from;
        this.to = List.copyOf(to);
        this.cc = List.copyOf(cc);
        this.bcc = List.copyOf(bcc);
        this.inReplyTo = inReplyTo;
        this.references = List.copyOf(references);
        this.subjectLength = subjectLength;
        this.bodyLength = bodyLength;
        this.attachments = List.copyOf(attachments);
    }

    public MessageId messageId() {
        return messageId;
    }

    /** When the sender sealed it, by the sender's clock (signed, so no one else can change it). */
    public Instant date() {
        return date;
    }

    public String from() {
        return from;
    }

    public List<String> to() {
        return to;
    }

    public List<String> cc() {
        return cc;
    }

    /** Empty in the To/Cc copy; in a Bcc recipient's own copy, that recipient alone. */
    public List<String> bcc() {
        return bcc;
    }

    public Optional<MessageId> inReplyTo() {
        return Optional.ofNullable(inReplyTo);
    }

    public List<MessageId> references() {
        return references;
    }

    public long subjectLength() {
        return subjectLength;
    }

    public long bodyLength() {
        return bodyLength;
    }

    public List<AttachmentInfo> attachments() {
        return attachments;
    }

    /** Whether the manifest names {@code address} as a To, Cc or Bcc recipient, or as the sender (their own copy). */
    public boolean names(String address) {
        String wanted = Addresses.normalized(address);
        return Addresses.normalized(from).equals(wanted)
                || to.stream().anyMatch(a -> Addresses.normalized(a).equals(wanted))
                || cc.stream().anyMatch(a -> Addresses.normalized(a).equals(wanted))
                || bcc.stream().anyMatch(a -> Addresses.normalized(a).equals(wanted));
    }

    byte[] encode() {
        ByteWriter out = new ByteWriter(512).bytes(messageId.toBytes()).u64(date.toEpochMilli());
        text(out, from);
        for (List<String> list : List.of(to, cc, bcc)) {
            out.u8(list.size());
            list.forEach(address -> text(out, address));
        }
        out.u8(inReplyTo == null ? 0 : 1);
        if (inReplyTo != null) {
            out.bytes(inReplyTo.toBytes());
        }
        out.u8(references.size());
        references.forEach(id -> out.bytes(id.toBytes()));
        out.u64(subjectLength).u64(bodyLength).u8(attachments.size());
        for (AttachmentInfo attachment : attachments) {
            text(out, attachment.name());
            byte[] type = attachment.mediaType().getBytes(StandardCharsets.US_ASCII);
            out.u8(type.length).bytes(type).u64(attachment.length());
        }
        return out.toByteArray();
    }

    private static void text(ByteWriter out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.u16(bytes.length).bytes(bytes);
    }

    /**
     * Parses a decrypted manifest part: the encoding, then only zero bytes (its padding). Every field
     * is checked; any deviation is {@link CryptoException.Malformed}, never another exception.
     */
    static Manifest parse(byte[] padded) throws CryptoException.Malformed {
        ByteReader in = new ByteReader(padded);
        try {
            MessageId id = MessageId.of(in.bytes(MessageId.LENGTH));
            long millis = in.u64();
            if (millis < 0 || millis > MAX_DATE_MILLIS) {
                throw new CryptoException.Malformed("manifest date out of range");
            }
            String from = address(in);
            List<List<String>> lists = new ArrayList<>(3);
            int total = 0;
            for (int l = 0; l < 3; l++) {
                int count = in.u8();
                total += count;
                if (total > EnvelopeFormat.MAX_RECIPIENTS) {
                    throw new CryptoException.Malformed("too many recipients in the manifest");
                }
                List<String> list = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    list.add(address(in));
                }
                lists.add(list);
            }
            if (total == 0) {
                throw new CryptoException.Malformed("a manifest names at least one recipient");
            }
            if (lists.get(2).size() > 1) {
                throw new CryptoException.Malformed("a copy names at most one Bcc recipient");
            }
            MessageId inReplyTo = switch (in.u8()) {
                case 0 -> null;
                case 1 -> MessageId.of(in.bytes(MessageId.LENGTH));
                default -> throw new CryptoException.Malformed("bad In-Reply-To flag");
            };
            int referenceCount = in.u8();
            if (referenceCount > Addressing.MAX_REFERENCES) {
                throw new CryptoException.Malformed("too many references");
            }
            List<MessageId> references = new ArrayList<>(referenceCount);
            for (int i = 0; i < referenceCount; i++) {
                references.add(MessageId.of(in.bytes(MessageId.LENGTH)));
            }
            long subjectLength = length(in);
            long bodyLength = length(in);
            int attachmentCount = in.u8();
            if (attachmentCount > EnvelopeFormat.MAX_ATTACHMENTS) {
                throw new CryptoException.Malformed("too many attachments");
            }
            List<AttachmentInfo> attachments = new ArrayList<>(attachmentCount);
            for (int i = 0; i < attachmentCount; i++) {
                String name = text(in, MAX_NAME_BYTES);
                if (name.isEmpty()) {
                    throw new CryptoException.Malformed("an attachment name is empty");
                }
                byte[] type = in.bytes(in.u8());
                if (!isMediaType(type)) {
                    throw new CryptoException.Malformed("not a media type");
                }
                attachments.add(new AttachmentInfo(name, new String(type, StandardCharsets.US_ASCII), length(in)));
            }
            byte[] rest = in.bytes(in.remaining());
            for (byte b : rest) {
                if (b != 0) {
                    throw new CryptoException.Malformed("the manifest's padding is not zero");
                }
            }
            return new Manifest(id, Instant.ofEpochMilli(millis), from, lists.get(0), lists.get(1), lists.get(2), inReplyTo, references,
                    subjectLength, bodyLength, attachments);
        } catch (ByteReader.TruncatedException e) {
            throw new CryptoException.Malformed("truncated manifest");
        }
    }

    private static long length(ByteReader in) throws ByteReader.TruncatedException, CryptoException.Malformed {
        long length = in.u64();
        if (length < 0 || length > EnvelopeFormat.MAX_PART_LENGTH) {
            throw new CryptoException.Malformed("a length in the manifest is over the limit");
        }
        return length;
    }

    private static String address(ByteReader in) throws ByteReader.TruncatedException, CryptoException.Malformed {
        String address = text(in, Addresses.MAX_BYTES);
        if (!Addresses.isValid(address)) {
            throw new CryptoException.Malformed("not a mail address in the manifest");
        }
        return address;
    }

    private static String text(ByteReader in, int maxBytes) throws ByteReader.TruncatedException, CryptoException.Malformed {
        int length = in.u16();
        if (length > maxBytes) {
            throw new CryptoException.Malformed("a text field of the manifest is too long");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(in.bytes(length))).toString();
        } catch (CharacterCodingException e) {
            throw new CryptoException.Malformed("the manifest holds text that is not UTF-8");
        }
    }

    /** type "/" subtype, with optional parameters: visible US-ASCII only (RFC 6838 names are stricter still). */
    static boolean isMediaType(byte[] type) {
        if (type.length == 0 || type.length > MAX_MEDIA_TYPE_BYTES) {
            return false;
        }
        int slash = -1;
        for (int i = 0; i < type.length; i++) {
            if (type[i] < 0x20 || type[i] > 0x7e) {
                return false;
            }
            if (type[i] == '/' && slash < 0) {
                slash = i;
            }
        }
        return slash > 0 && slash < type.length - 1;
    }
}
