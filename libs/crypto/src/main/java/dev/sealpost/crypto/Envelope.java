package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.ByteWriter;
import dev.sealpost.crypto.internal.Digests;
import dev.sealpost.crypto.internal.Randomness;
import dev.sealpost.crypto.internal.SegmentedAead;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.HKDFParameters;

import javax.crypto.AEADBadTagException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one way to seal a message and the one way to open it.
 *
 * <p>Sealing: a random 256-bit content key; each part (subject, body, attachments) encrypted with
 * AES-256-GCM in segments under its own key derived from the content key; the content key wrapped for
 * every recipient with HPKE (RFC 9180, base mode, X-Wing KEM, HKDF-SHA256, AES-256-GCM); the header
 * bound as associated data of every segment; the sender's hybrid signature over the header and the
 * SHA-256 of every part's ciphertext at the end.
 *
 * <p>Opening verifies the sender's signature over everything before it decrypts anything, and
 * returns plaintext only when every part decrypted: never partial plaintext.
 */
public final class Envelope {

    private Envelope() {
    }

    /** Seals into memory. For large attachments prefer {@link #seal(EnvelopeContent, List, PrivateKeys, OutputStream)}. */
    public static byte[] seal(EnvelopeContent content, List<PublicBundle> recipients, PrivateKeys sender) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            seal(content, recipients, sender, out, EnvelopeFormat.DEFAULT_SEGMENT_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Seals to a stream; parts are read segment by segment, so none is held in memory whole. */
    public static void seal(EnvelopeContent content, List<PublicBundle> recipients, PrivateKeys sender, OutputStream out)
            throws IOException {
        seal(content, recipients, sender, out, EnvelopeFormat.DEFAULT_SEGMENT_SIZE);
    }

    static void seal(EnvelopeContent content, List<PublicBundle> recipients, PrivateKeys sender, OutputStream out,
            int segmentSize) throws IOException {
        if (recipients.isEmpty() || recipients.size() > EnvelopeFormat.MAX_RECIPIENTS) {
            throw new IllegalArgumentException("1 to " + EnvelopeFormat.MAX_RECIPIENTS + " recipients");
        }
        Set<Fingerprint> seen = new HashSet<>();
        for (PublicBundle recipient : recipients) {
            if (!seen.add(recipient.fingerprint())) {
                throw new IllegalArgumentException("recipient " + recipient.fingerprint() + " appears twice");
            }
        }
        Fingerprint senderFingerprint = sender.publicBundle().fingerprint();
        byte[] contentKey = Randomness.bytes(EnvelopeFormat.CONTENT_KEY_LENGTH);
        try {
            List<EnvelopeHeader.RecipientEntry> entries = new ArrayList<>(recipients.size());
            for (PublicBundle recipient : recipients) {
                entries.add(wrapContentKey(contentKey, senderFingerprint, recipient));
            }
            List<PartSource> parts = content.parts();
            List<EnvelopeHeader.PartInfo> partInfos = new ArrayList<>(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                partInfos.add(new EnvelopeHeader.PartInfo(i == 0 ? PartKind.SUBJECT : i == 1 ? PartKind.BODY : PartKind.ATTACHMENT,
                        parts.get(i).length()));
            }
            EnvelopeHeader header = EnvelopeHeader.create(segmentSize, senderFingerprint, entries, partInfos);
            byte[] headerDigest = header.digest();

            out.write(EnvelopeFormat.MAGIC);
            out.write(EnvelopeFormat.VERSION);
            out.write(new ByteWriter(4).u32(header.encoded().length).toByteArray());
            out.write(header.encoded());

            ByteWriter toBeSigned = new ByteWriter(32 * (parts.size() + 1)).bytes(headerDigest);
            for (int i = 0; i < parts.size(); i++) {
                byte[] partKey = partKey(contentKey, i);
                SegmentedAead aead = new SegmentedAead(partKey, headerDigest, segmentSize);
                try {
                    if (parts.get(i) instanceof PartSource.InMemory inMemory) {
                        toBeSigned.bytes(aead.encrypt(inMemory.bytes(), out));
                    } else {
                        try (InputStream in = parts.get(i).open()) {
                            toBeSigned.bytes(aead.encrypt(in, parts.get(i).length(), out));
                        }
                    }
                } finally {
                    Arrays.fill(partKey, (byte) 0);
                }
            }
            byte[] signature = sender.identity().sign(SignaturePurpose.ENVELOPE, toBeSigned.toByteArray()).toBytes();
            out.write(new ByteWriter(4).u32(signature.length).toByteArray());
            out.write(signature);
        } finally {
            Arrays.fill(contentKey, (byte) 0);
        }
    }

    /**
     * Opens an envelope addressed to {@code recipient}, claimed to come from {@code claimedSender}.
     * Checks, in order: framing, sender fingerprint, signature, recipient entry, key unwrap, every part.
     */
    public static OpenedEnvelope open(byte[] envelope, PrivateKeys recipient, PublicBundle claimedSender) throws CryptoException {
        EnvelopeHeader.Framing framing = EnvelopeHeader.Framing.read(envelope);
        EnvelopeHeader header = framing.header();
        List<byte[]> partDigests = new ArrayList<>(header.parts().size());
        for (int i = 0; i < header.parts().size(); i++) {
            partDigests.add(SegmentedAead.partDigest(SegmentedAead.segmentHashes(envelope, (int) framing.partOffsets()[i],
                    header.parts().get(i).plaintextLength(), header.segmentSize())));
        }
        byte[] headerDigest = header.digest();
        byte[] contentKey = verifyAndUnwrap(framing, headerDigest, partDigests, recipient, claimedSender);
        try {
            List<byte[]> plaintexts = new ArrayList<>(header.parts().size());
            for (int i = 0; i < header.parts().size(); i++) {
                long length = header.parts().get(i).plaintextLength();
                byte[] plaintext = new byte[(int) length];
                byte[] partKey = partKey(contentKey, i);
                try {
                    new SegmentedAead(partKey, headerDigest, header.segmentSize())
                            .decrypt(envelope, (int) framing.partOffsets()[i], length, plaintext);
                } catch (AEADBadTagException e) {
                    plaintexts.forEach(p -> Arrays.fill(p, (byte) 0));
                    Arrays.fill(plaintext, (byte) 0);
                    throw new CryptoException.Tampered("part " + i + " does not decrypt");
                } finally {
                    Arrays.fill(partKey, (byte) 0);
                }
                plaintexts.add(plaintext);
            }
            return new OpenedEnvelope(header.sender(), List.copyOf(plaintexts));
        } finally {
            Arrays.fill(contentKey, (byte) 0);
        }
    }

    /**
     * Opens an envelope file into a new directory under {@code outputDirectory}, one file per part,
     * holding one segment in memory at a time. A first pass hashes the file and verifies the
     * signature; the second decrypts, checking each segment against the hash the first pass saw, so
     * a file changed in between fails instead of yielding unsigned plaintext. On any failure the
     * new directory and everything in it is removed: never partial plaintext on disk either.
     */
    public static OpenedFiles open(Path envelopeFile, PrivateKeys recipient, PublicBundle claimedSender, Path outputDirectory)
            throws CryptoException, IOException {
        try (FileChannel channel = FileChannel.open(envelopeFile, StandardOpenOption.READ)) {
            EnvelopeSource source = EnvelopeSource.of(channel);
            EnvelopeHeader.Framing framing = EnvelopeHeader.Framing.read(source);
            EnvelopeHeader header = framing.header();
            int segmentSize = header.segmentSize();
            List<List<byte[]>> segmentHashes = new ArrayList<>(header.parts().size());
            List<byte[]> partDigests = new ArrayList<>(header.parts().size());
            byte[] sealed = new byte[(int) Math.min(segmentSize, maxPartLength(header)) + SegmentedAead.TAG_LENGTH];
            for (int i = 0; i < header.parts().size(); i++) {
                List<byte[]> hashes = new ArrayList<>();
                forEachSegment(source, framing.partOffsets()[i], header.parts().get(i).plaintextLength(), segmentSize, sealed,
                        (index, last, length) -> hashes.add(Digests.sha256(sealed, 0, length)));
                segmentHashes.add(hashes);
                partDigests.add(SegmentedAead.partDigest(hashes));
            }
            byte[] headerDigest = header.digest();
            byte[] contentKey = verifyAndUnwrap(framing, headerDigest, partDigests, recipient, claimedSender);
            Path directory = Files.createTempDirectory(outputDirectory, "opened-");
            boolean complete = false;
            try {
                List<Path> files = new ArrayList<>(header.parts().size());
                byte[] plain = new byte[sealed.length];
                for (int i = 0; i < header.parts().size(); i++) {
                    Path file = directory.resolve(OpenedFiles.fileName(i));
                    files.add(file);
                    byte[] partKey = partKey(contentKey, i);
                    List<byte[]> expected = segmentHashes.get(i);
                    SegmentedAead aead = new SegmentedAead(partKey, headerDigest, segmentSize);
                    int part = i;
                    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                        forEachSegment(source, framing.partOffsets()[i], header.parts().get(i).plaintextLength(), segmentSize, sealed,
                                (index, last, length) -> {
                                    if (!MessageDigest.isEqual(expected.get((int) index), Digests.sha256(sealed, 0, length))) {
                                        throw new CryptoException.Tampered("the envelope file changed while it was opened");
                                    }
                                    try {
                                        out.write(plain, 0, aead.decryptSegment(index, last, sealed, 0, length, plain, 0));
                                    } catch (AEADBadTagException e) {
                                        throw new CryptoException.Tampered("part " + part + " does not decrypt");
                                    }
                                });
                    } finally {
                        Arrays.fill(partKey, (byte) 0);
                    }
                }
                Arrays.fill(plain, (byte) 0);
                complete = true;
                return new OpenedFiles(header.sender(), directory, files);
            } finally {
                Arrays.fill(contentKey, (byte) 0);
                if (!complete) {
                    deleteQuietly(directory);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @FunctionalInterface
    private interface SegmentVisitor {
        void accept(long index, boolean last, int sealedLength) throws CryptoException, IOException;
    }

    /** Reads a part's sealed segments one by one into {@code buffer} and hands each to {@code visitor}. */
    private static void forEachSegment(EnvelopeSource source, long offset, long plaintextLength, int segmentSize, byte[] buffer,
            SegmentVisitor visitor) throws CryptoException, IOException {
        long segments = SegmentedAead.segmentCount(plaintextLength, segmentSize);
        long position = offset;
        long remaining = plaintextLength;
        for (long index = 0; index < segments; index++) {
            int sealedLength = (int) Math.min(segmentSize, remaining) + SegmentedAead.TAG_LENGTH;
            source.read(position, buffer, 0, sealedLength);
            visitor.accept(index, index == segments - 1, sealedLength);
            position += sealedLength;
            remaining -= sealedLength - SegmentedAead.TAG_LENGTH;
        }
    }

    private static long maxPartLength(EnvelopeHeader header) {
        return header.parts().stream().mapToLong(EnvelopeHeader.PartInfo::plaintextLength).max().orElse(0);
    }

    private static void deleteQuietly(Path directory) {
        try (var files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(directory);
        } catch (IOException ignored) {
            // the original failure is what the caller needs to see
        }
    }

    /**
     * The checks every open makes before any decryption, in order: sender fingerprint, signature over
     * the header and the part digests, recipient entry, key unwrap. Returns the content key.
     */
    private static byte[] verifyAndUnwrap(EnvelopeHeader.Framing framing, byte[] headerDigest, List<byte[]> partDigests,
            PrivateKeys recipient, PublicBundle claimedSender) throws CryptoException {
        EnvelopeHeader header = framing.header();
        if (!header.sender().equals(claimedSender.fingerprint())) {
            throw new CryptoException.BadSignature("the envelope names another sender");
        }
        ByteWriter toBeSigned = new ByteWriter(32 * (partDigests.size() + 1)).bytes(headerDigest);
        partDigests.forEach(toBeSigned::bytes);
        if (!claimedSender.identityKey().verify(SignaturePurpose.ENVELOPE, toBeSigned.toByteArray(), framing.signature())) {
            throw new CryptoException.BadSignature("the sender's signature does not verify");
        }
        Fingerprint me = recipient.publicBundle().fingerprint();
        EnvelopeHeader.RecipientEntry entry = header.recipientEntries().stream()
                .filter(candidate -> candidate.fingerprint().equals(me))
                .findFirst()
                .orElseThrow(CryptoException.NotARecipient::new);
        return unwrapContentKey(entry, header.sender(), recipient);
    }

    private static HPKE hpke() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X_WING, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    }

    /** HPKE associated data: the sender's and the recipient's fingerprints, so a wrap cannot be moved. */
    private static byte[] wrapAad(Fingerprint sender, Fingerprint recipient) {
        return new ByteWriter(64).bytes(sender.toBytes()).bytes(recipient.toBytes()).toByteArray();
    }

    private static EnvelopeHeader.RecipientEntry wrapContentKey(byte[] contentKey, Fingerprint sender, PublicBundle recipient) {
        HPKEContextWithEncapsulation context = hpke().setupBaseS(recipient.encryptionKey().parameters(), EnvelopeFormat.HPKE_INFO);
        try {
            byte[] wrapped = context.seal(wrapAad(sender, recipient.fingerprint()), contentKey);
            return new EnvelopeHeader.RecipientEntry(recipient.fingerprint(), context.getEncapsulation(), wrapped);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("HPKE seal failed", e);
        }
    }

    private static byte[] unwrapContentKey(EnvelopeHeader.RecipientEntry entry, Fingerprint sender, PrivateKeys recipient)
            throws CryptoException.Tampered {
        try {
            HPKEContext context = hpke().setupBaseR(entry.encapsulation(), recipient.encryption().hpkeKeyPair(), EnvelopeFormat.HPKE_INFO);
            return context.open(wrapAad(sender, entry.fingerprint()), entry.wrappedKey());
        } catch (InvalidCipherTextException | RuntimeException e) {
            throw new CryptoException.Tampered("the wrapped content key does not open");
        }
    }

    private static byte[] partKey(byte[] contentKey, int index) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        byte[] info = new ByteWriter(EnvelopeFormat.PART_KEY_INFO.length + 1).bytes(EnvelopeFormat.PART_KEY_INFO).u8(index).toByteArray();
        hkdf.init(new HKDFParameters(contentKey, null, info));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }
}
