package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.ByteReader;
import dev.sealpost.crypto.internal.ByteWriter;
import dev.sealpost.crypto.internal.Digests;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The public, keyless view of an envelope: who sent it (fingerprint), to whom, and how large each
 * part is. {@link #parse(byte[])} checks the whole envelope's framing — version, algorithms, limits,
 * lengths, no trailing bytes — so a server can refuse a malformed upload without holding any key.
 * It does not check the signature; recipients do that when they open it.
 */
public final class EnvelopeHeader {

    /** One part's kind and plaintext length. */
    public record PartInfo(PartKind kind, long plaintextLength) {
    }

    record RecipientEntry(Fingerprint fingerprint, byte[] encapsulation, byte[] wrappedKey) {
    }

    private final byte[] encoded;
    private final int segmentSize;
    private final Fingerprint sender;
    private final List<RecipientEntry> recipients;
    private final List<PartInfo> parts;

    private EnvelopeHeader(byte[] encoded, int segmentSize, Fingerprint sender, List<RecipientEntry> recipients,
            List<PartInfo> parts) {
        this.encoded = encoded;
        this.segmentSize = segmentSize;
        this.sender = sender;
        this.recipients = List.copyOf(recipients);
        this.parts = List.copyOf(parts);
    }

    static EnvelopeHeader create(int segmentSize, Fingerprint sender, List<RecipientEntry> recipients, List<PartInfo> parts) {
        ByteWriter writer = new ByteWriter(512 + recipients.size() * EnvelopeFormat.RECIPIENT_ENTRY_LENGTH)
                .u16(EnvelopeFormat.KEM_X_WING).u16(EnvelopeFormat.KDF_HKDF_SHA256)
                .u16(EnvelopeFormat.AEAD_AES_256_GCM).u16(EnvelopeFormat.CONTENT_AES_256_GCM_SEGMENTED)
                .u32(segmentSize)
                .bytes(sender.toBytes())
                .u8(recipients.size());
        for (RecipientEntry recipient : recipients) {
            writer.bytes(recipient.fingerprint().toBytes()).bytes(recipient.encapsulation()).bytes(recipient.wrappedKey());
        }
        writer.u8(parts.size());
        for (PartInfo part : parts) {
            writer.u8(part.kind().code()).u64(part.plaintextLength());
        }
        return new EnvelopeHeader(writer.toByteArray(), segmentSize, sender, recipients, parts);
    }

    /** Parses and checks the framing of a whole envelope, without any key. */
    public static EnvelopeHeader parse(byte[] envelope) throws CryptoException {
        return Framing.read(envelope).header();
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

    List<RecipientEntry> recipientEntries() {
        return recipients;
    }

    byte[] encoded() {
        return encoded;
    }

    /** SHA-256 of magic, version and header: the associated data of every content segment. */
    byte[] digest() {
        return Digests.sha256(EnvelopeFormat.MAGIC, new byte[] {EnvelopeFormat.VERSION}, encoded);
    }

    /** The envelope split into its fields, with every length checked against the data present. */
    record Framing(EnvelopeHeader header, long[] partOffsets, HybridSignature signature) {

        /** Magic, version and the header's u32 length. */
        private static final int PREFIX_LENGTH = 4 + 1 + 4;

        static Framing read(byte[] envelope) throws CryptoException {
            return read(EnvelopeSource.of(envelope));
        }

        /**
         * Reads only the prefix, the header and the signature; parts are located by arithmetic, never
         * loaded. Every length is checked against the limits and the data present before anything of
         * that length is allocated.
         */
        static Framing read(EnvelopeSource source) throws CryptoException {
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
                if (version != EnvelopeFormat.VERSION) {
                    throw new CryptoException.UnsupportedVersion("envelope version " + version);
                }
                long headerLength = prefix.u32();
                if (headerLength > EnvelopeFormat.MAX_HEADER_LENGTH) {
                    throw new ByteReader.LimitExceededException();
                }
                if (headerLength > size - PREFIX_LENGTH) {
                    throw new ByteReader.TruncatedException();
                }
                EnvelopeHeader header = readHeader(source.read(PREFIX_LENGTH, (int) headerLength));

                long position = PREFIX_LENGTH + headerLength;
                long[] offsets = new long[header.parts.size()];
                for (int i = 0; i < offsets.length; i++) {
                    offsets[i] = position;
                    position += EnvelopeFormat.ciphertextLength(header.parts.get(i).plaintextLength(), header.segmentSize);
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
                return new Framing(header, offsets, signature);
            } catch (ByteReader.TruncatedException e) {
                throw new CryptoException.Malformed("truncated envelope");
            } catch (ByteReader.LimitExceededException e) {
                throw new CryptoException.Malformed("a length field is over the format's limit");
            }
        }

        private static EnvelopeHeader readHeader(byte[] headerBytes) throws CryptoException, ByteReader.TruncatedException {
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
            int partCount = reader.u8();
            if (partCount < 2 || partCount > EnvelopeFormat.MAX_ATTACHMENTS + 2) {
                throw new CryptoException.Malformed("part count out of range");
            }
            List<PartInfo> parts = new ArrayList<>(partCount);
            for (int i = 0; i < partCount; i++) {
                PartKind kind = PartKind.fromCode(reader.u8());
                PartKind expected = i == 0 ? PartKind.SUBJECT : i == 1 ? PartKind.BODY : PartKind.ATTACHMENT;
                if (kind != expected) {
                    throw new CryptoException.Malformed("parts must be subject, body, then attachments");
                }
                long length = reader.u64();
                if (length < 0 || length > EnvelopeFormat.MAX_PART_LENGTH) {
                    throw new CryptoException.Malformed("part length over the limit");
                }
                parts.add(new PartInfo(kind, length));
            }
            if (reader.remaining() != 0) {
                throw new CryptoException.Malformed("trailing bytes in the header");
            }
            return new EnvelopeHeader(headerBytes, (int) segmentSize, sender, recipients, parts);
        }
    }
}
