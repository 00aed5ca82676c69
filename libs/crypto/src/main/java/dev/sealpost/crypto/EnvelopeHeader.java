package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.ByteReader;
import dev.sealpost.crypto.internal.ByteWriter;
import dev.sealpost.crypto.internal.Digests;
import dev.sealpost.crypto.internal.Padding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The public, keyless view of an envelope: who sent it (fingerprint), to whom, and how large each
 * part is (in version 2: padded). {@link #parse(byte[])} checks the whole envelope's framing —
 * version, algorithms, limits, lengths, no trailing bytes — so a server can refuse a malformed
 * upload without holding any key. It does not check the signature; recipients do that when they
 * open it.
 */
public final class EnvelopeHeader {

    /** One part's kind and plaintext length (version 2: the padded length; the true one is in the manifest). */
    public record PartInfo(PartKind kind, long plaintextLength) {
    }

    record RecipientEntry(Fingerprint fingerprint, byte[] encapsulation, byte[] wrappedKey) {
    }

    private final int version;
    private final byte[] encoded;
    private final int segmentSize;
    private final Fingerprint sender;
    private final byte[] keyCommitment;
    private final List<RecipientEntry> recipients;
    private final List<PartInfo> parts;
    /** SHA-256 of magic, version and header, computed once: every segment's associated data and the start of what is signed. */
    private final byte[] digest;

    private EnvelopeHeader(int version, byte[] encoded, int segmentSize, Fingerprint sender, byte[] keyCommitment,
            List<RecipientEntry> recipients, List<PartInfo> parts) {
        this.version = version;
        this.encoded = encoded;
        this.segmentSize = segmentSize;
        this.sender = sender;
        this.keyCommitment = keyCommitment;
        this.recipients = List.copyOf(recipients);
        this.parts = List.copyOf(parts);
        this.digest = Digests.sha256(EnvelopeFormat.MAGIC, new byte[] {(byte) version}, encoded);
    }

    /** A version 2 header; {@code parts} carry padded lengths. */
    static EnvelopeHeader create(int segmentSize, Fingerprint sender, byte[] keyCommitment, List<RecipientEntry> recipients,
            List<PartInfo> parts) {
        ByteWriter writer = new ByteWriter(512 + recipients.size() * EnvelopeFormat.RECIPIENT_ENTRY_LENGTH)
                .u16(EnvelopeFormat.KEM_X_WING).u16(EnvelopeFormat.KDF_HKDF_SHA256)
                .u16(EnvelopeFormat.AEAD_AES_256_GCM).u16(EnvelopeFormat.CONTENT_AES_256_GCM_SEGMENTED)
                .u32(segmentSize)
                .bytes(sender.toBytes())
                .bytes(keyCommitment)
                .u8(recipients.size());
        for (RecipientEntry recipient : recipients) {
            writer.bytes(recipient.fingerprint().toBytes()).bytes(recipient.encapsulation()).bytes(recipient.wrappedKey());
        }
        writer.u8(parts.size());
        for (PartInfo part : parts) {
            writer.u8(part.kind().code()).u64(part.plaintextLength());
        }
        return new EnvelopeHeader(EnvelopeFormat.VERSION, writer.toByteArray(), segmentSize, sender, keyCommitment.clone(), recipients,
                parts);
    }

    /** Parses and checks the framing of a whole envelope, without any key. */
    public static EnvelopeHeader parse(byte[] envelope) throws CryptoException {
        return Framing.read(envelope).header();
    }

    /** Parses a version 2 envelope's head ({@link #headLength()} bytes from its start), without any key. */
    public static EnvelopeHeader parseHead(byte[] head) throws CryptoException {
        return Framing.readHead(EnvelopeSource.of(head)).header();
    }

    /** The same for an envelope in a file: reads the framing only, never the parts. */
    public static EnvelopeHeader parse(java.nio.file.Path envelopeFile) throws CryptoException, java.io.IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(envelopeFile)) {
            return Framing.read(EnvelopeSource.of(channel)).header();
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** 1 or 2. */
    public int version() {
        return version;
    }

    public Fingerprint sender() {
        return sender;
    }

    public List<Fingerprint> recipients() {
        return recipients.stream().map(RecipientEntry::fingerprint).toList();
    }

    public List<PartInfo> parts() {
        return parts;
    }

    public int segmentSize() {
        return segmentSize;
    }

    /**
     * Version 2: how many bytes from the start of the envelope a client needs to verify and read its
     * head (header, manifest, subject and the head signature); version 1 has no head and answers 0.
     */
    public long headLength() {
        if (version == EnvelopeFormat.VERSION_1) {
            return 0;
        }
        long length = Framing.PREFIX_LENGTH + encoded.length + 4 + HybridSignature.ENCODED_LENGTH;
        for (int i = 0; i < EnvelopeFormat.HEAD_PARTS; i++) {
            length += EnvelopeFormat.ciphertextLength(parts.get(i).plaintextLength(), segmentSize);
        }
        return length;
    }

    /** Version 2: the HKDF commitment to the content key that every recipient's key must match. */
    byte[] keyCommitment() {
        return keyCommitment.clone();
    }

    List<RecipientEntry> recipientEntries() {
        return recipients;
    }

    byte[] encoded() {
        return encoded;
    }

    /** SHA-256 of magic, version and header: the associated data of every content segment. */
    byte[] digest() {
        return digest.clone();
    }

    /**
     * The envelope split into its fields, with every length checked against the data present.
     * {@code headSignature} is null in version 1.
     */
    record Framing(EnvelopeHeader header, long[] partOffsets, HybridSignature headSignature, HybridSignature signature) {

        /** Magic, version and the header's u32 length. */
        static final int PREFIX_LENGTH = 4 + 1 + 4;

        static Framing read(byte[] envelope) throws CryptoException {
            return read(EnvelopeSource.of(envelope));
        }

        /**
         * Reads only the prefix, the header and the signatures; parts are located by arithmetic, never
         * loaded. Every length is checked against the limits and the data present before anything of
         * that length is allocated.
         */
        static Framing read(EnvelopeSource source) throws CryptoException {
            return read(source, false);
        }

        /**
         * Reads a version 2 envelope's head from a prefix of it (or the whole envelope): header, the
         * manifest's and subject's offsets and the head signature; {@code signature} is null.
         */
        static Framing readHead(EnvelopeSource source) throws CryptoException {
            return read(source, true);
        }

        private static Framing read(EnvelopeSource source, boolean headOnly) throws CryptoException {
            long size = source.size();
            try {
                if (size < PREFIX_LENGTH) {
                    throw new ByteReader.TruncatedException();
                }
                ByteReader prefix = new ByteReader(source.read(0, PREFIX_LENGTH));
                byte[] magic = prefix.bytes(EnvelopeFormat.MAGIC.length);
                if (!Arrays.equals(magic, EnvelopeFormat.MAGIC)) {
                    throw new CryptoException.Malformed("not a Sealpost envelope");
                }
                int version = prefix.u8();
                if (version != EnvelopeFormat.VERSION && version != EnvelopeFormat.VERSION_1) {
                    throw new CryptoException.UnsupportedVersion("envelope version " + version);
                }
                if (headOnly && version == EnvelopeFormat.VERSION_1) {
                    throw new CryptoException.UnsupportedVersion("a version 1 envelope has no head");
                }
                long headerLength = prefix.u32();
                if (headerLength > (version == EnvelopeFormat.VERSION_1 ? EnvelopeFormat.MAX_HEADER_LENGTH
                        : EnvelopeFormat.MAX_HEADER_LENGTH_V2)) {
                    throw new ByteReader.LimitExceededException();
                }
                if (headerLength > size - PREFIX_LENGTH) {
                    throw new ByteReader.TruncatedException();
                }
                byte[] headerBytes = source.read(PREFIX_LENGTH, (int) headerLength);
                EnvelopeHeader header = version == EnvelopeFormat.VERSION_1 ? readHeaderV1(headerBytes) : readHeaderV2(headerBytes);

                long position = PREFIX_LENGTH + headerLength;
                long[] offsets = new long[header.parts.size()];
                HybridSignature headSignature = null;
                for (int i = 0; i < offsets.length; i++) {
                    if (version != EnvelopeFormat.VERSION_1 && i == EnvelopeFormat.HEAD_PARTS) {
                        headSignature = readSignature(source, position, size);
                        position += 4 + HybridSignature.ENCODED_LENGTH;
                        if (headOnly) {
                            return new Framing(header, offsets, headSignature, null);
                        }
                    }
                    offsets[i] = position;
                    position += EnvelopeFormat.ciphertextLength(header.parts.get(i).plaintextLength(), header.segmentSize);
                }
                if (version != EnvelopeFormat.VERSION_1) {
                    HybridSignature signature = readSignature(source, position, size);
                    if (position + 4 + HybridSignature.ENCODED_LENGTH != size) {
                        throw new CryptoException.Malformed("trailing bytes after the envelope");
                    }
                    return new Framing(header, offsets, headSignature, signature);
                }
                if (position > size - 4) {
                    throw new ByteReader.TruncatedException();
                }
                long signatureLength = new ByteReader(source.read(position, 4)).u32();
                if (signatureLength > HybridSignature.ENCODED_LENGTH) {
                    throw new ByteReader.LimitExceededException();
                }
                if (signatureLength > size - position - 4) {
                    throw new ByteReader.TruncatedException();
                }
                if (signatureLength < size - position - 4) {
                    throw new CryptoException.Malformed("trailing bytes after the envelope");
                }
                HybridSignature signature = HybridSignature.fromBytes(source.read(position + 4, (int) signatureLength));
                return new Framing(header, offsets, null, signature);
            } catch (ByteReader.TruncatedException e) {
                throw new CryptoException.Malformed("truncated envelope");
            } catch (ByteReader.LimitExceededException e) {
                throw new CryptoException.Malformed("a length field is over the format's limit");
            }
        }

        /** Version 2: a u32 length that must be exactly {@link HybridSignature#ENCODED_LENGTH}, then the signature. */
        private static HybridSignature readSignature(EnvelopeSource source, long position, long size)
                throws CryptoException, ByteReader.TruncatedException {
            if (position > size - 4 - HybridSignature.ENCODED_LENGTH) {
                throw new ByteReader.TruncatedException();
            }
            if (new ByteReader(source.read(position, 4)).u32() != HybridSignature.ENCODED_LENGTH) {
                throw new CryptoException.Malformed("a signature has " + HybridSignature.ENCODED_LENGTH + " bytes");
            }
            return HybridSignature.fromBytes(source.read(position + 4, HybridSignature.ENCODED_LENGTH));
        }

        private static EnvelopeHeader readHeaderV1(byte[] headerBytes) throws CryptoException, ByteReader.TruncatedException {
            return readHeader(EnvelopeFormat.VERSION_1, headerBytes);
        }

        private static EnvelopeHeader readHeaderV2(byte[] headerBytes) throws CryptoException, ByteReader.TruncatedException {
            return readHeader(EnvelopeFormat.VERSION, headerBytes);
        }

        private static EnvelopeHeader readHeader(int version, byte[] headerBytes) throws CryptoException, ByteReader.TruncatedException {
            boolean v1 = version == EnvelopeFormat.VERSION_1;
            ByteReader reader = new ByteReader(headerBytes);
            if (reader.u16() != EnvelopeFormat.KEM_X_WING || reader.u16() != EnvelopeFormat.KDF_HKDF_SHA256
                    || reader.u16() != EnvelopeFormat.AEAD_AES_256_GCM
                    || reader.u16() != EnvelopeFormat.CONTENT_AES_256_GCM_SEGMENTED) {
                throw new CryptoException.UnsupportedVersion("unsupported algorithm identifiers");
            }
            long segmentSize = reader.u32();
            if (segmentSize < EnvelopeFormat.MIN_SEGMENT_SIZE || segmentSize > EnvelopeFormat.MAX_SEGMENT_SIZE) {
                throw new CryptoException.Malformed("segment size out of range");
            }
            Fingerprint sender = Fingerprint.of(reader.bytes(Fingerprint.LENGTH));
            byte[] keyCommitment = v1 ? null : reader.bytes(EnvelopeFormat.KEY_COMMITMENT_LENGTH);
            int recipientCount = reader.u8();
            if (recipientCount < 1 || recipientCount > EnvelopeFormat.MAX_RECIPIENTS) {
                throw new CryptoException.Malformed("recipient count out of range");
            }
            List<RecipientEntry> recipients = new ArrayList<>(recipientCount);
            for (int i = 0; i < recipientCount; i++) {
                recipients.add(new RecipientEntry(Fingerprint.of(reader.bytes(Fingerprint.LENGTH)),
                        reader.bytes(EnvelopeFormat.X_WING_ENCAPSULATION_LENGTH),
                        reader.bytes(EnvelopeFormat.WRAPPED_KEY_LENGTH)));
            }
            if (recipients.stream().map(RecipientEntry::fingerprint).distinct().count() != recipientCount) {
                throw new CryptoException.Malformed("a recipient appears twice");
            }
            int fixedParts = v1 ? 2 : 3;
            int partCount = reader.u8();
            if (partCount < fixedParts || partCount > EnvelopeFormat.MAX_ATTACHMENTS + fixedParts) {
                throw new CryptoException.Malformed("part count out of range");
            }
            List<PartInfo> parts = new ArrayList<>(partCount);
            for (int i = 0; i < partCount; i++) {
                PartKind kind = PartKind.fromCode(reader.u8());
                int position = v1 ? i + 1 : i;
                PartKind expected = position == 0 ? PartKind.MANIFEST : position == 1 ? PartKind.SUBJECT
                        : position == 2 ? PartKind.BODY : PartKind.ATTACHMENT;
                if (kind != expected) {
                    throw new CryptoException.Malformed(v1 ? "parts must be subject, body, then attachments"
                            : "parts must be manifest, subject, body, then attachments");
                }
                long length = reader.u64();
                long limit = v1 ? EnvelopeFormat.MAX_PART_LENGTH
                        : kind == PartKind.MANIFEST ? EnvelopeFormat.MAX_MANIFEST_LENGTH : Padding.padded(EnvelopeFormat.MAX_PART_LENGTH);
                if (length < 0 || length > limit) {
                    throw new CryptoException.Malformed("part length over the limit");
                }
                if (!v1 && !Padding.isPadded(length)) {
                    throw new CryptoException.Malformed("a part length is not a padded length");
                }
                parts.add(new PartInfo(kind, length));
            }
            if (reader.remaining() != 0) {
                throw new CryptoException.Malformed("trailing bytes in the header");
            }
            return new EnvelopeHeader(version, headerBytes, (int) segmentSize, sender, keyCommitment, recipients, parts);
        }
    }
}
