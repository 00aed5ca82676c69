package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.Addresses;
import dev.sealpost.crypto.internal.ByteWriter;
import dev.sealpost.crypto.internal.Digests;
import dev.sealpost.crypto.internal.Padding;
import dev.sealpost.crypto.internal.SegmentedAead;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.HKDFParameters;

import javax.crypto.AEADBadTagException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way to seal a message and the one way to open it (format v2; v1 envelopes still open).
 *
 * <p>Sealing, per copy: a random 256-bit content key and a commitment to it in the header; each part
 * (manifest, subject, body, attachments) padded, then encrypted with AES-256-GCM in segments under
 * its own key derived from the content key; the content key wrapped for every recipient with HPKE
 * (RFC 9180, base mode, X-Wing KEM, HKDF-SHA256, AES-256-GCM); the header bound as associated data
 * of every segment; the sender's hybrid signature over the head (header, manifest, subject) after the
 * subject, and one over everything, the head signature included, at the end.
 *
 * <p>Opening verifies the sender's signature over everything and the key commitment before it
 * decrypts anything, then that the signed manifest names the reader, and returns plaintext only
 * when every part decrypted: never partial plaintext.
 */
public final class Envelope {

    /** Where each sealed copy goes when sealing to streams; {@link Envelope} closes each stream it opened. */
    @FunctionalInterface
    public interface CopyOutput {
        OutputStream open(List<String> deliverTo) throws IOException;
    }

    private Envelope() {
    }

    /** Seals into memory: one copy for the To and Cc recipients (if any), one per Bcc recipient. */
    public static List<SealedCopy> seal(EnvelopeContent content, Addressing addressing, Mailbox sender) {
        List<SealedCopy> copies = new ArrayList<>();
        try {
            seal(content, addressing, sender, deliverTo -> new ByteArrayOutputStream() {
                @Override
                public void close() {
                    copies.add(new SealedCopy(deliverTo, toByteArray()));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(copies);
    }

    /** Seals to streams; parts are read segment by segment, so none is held in memory whole. */
    public static void seal(EnvelopeContent content, Addressing addressing, Mailbox sender, CopyOutput output) throws IOException {
        seal(content, addressing, sender, output, Instant.now(), SealRandomness.SECURE, EnvelopeFormat.DEFAULT_SEGMENT_SIZE);
    }

    static void seal(EnvelopeContent content, Addressing addressing, Mailbox sender, CopyOutput output, Instant date,
            SealRandomness randomness, int segmentSize) throws IOException {
        MessageId id = MessageId.of(randomness.messageId());
        Instant signedDate = date.truncatedTo(ChronoUnit.MILLIS);
        List<String> to = addressing.to().stream().map(Contact::address).toList();
        List<String> cc = addressing.cc().stream().map(Contact::address).toList();
        List<Contact> shared = new ArrayList<>(addressing.to());
        shared.addAll(addressing.cc());
        if (!shared.isEmpty()) {
            Manifest manifest = manifest(id, signedDate, sender, to, cc, List.of(), addressing, content);
            sealCopy(manifest, content, shared, sender, output, randomness, segmentSize);
        }
        for (Contact bcc : addressing.bcc()) {
            Manifest manifest = manifest(id, signedDate, sender, to, cc, List.of(bcc.address()), addressing, content);
            sealCopy(manifest, content, List.of(bcc), sender, output, randomness, segmentSize);
        }
    }

    private static Manifest manifest(MessageId id, Instant date, Mailbox sender, List<String> to, List<String> cc, List<String> bcc,
            Addressing addressing, EnvelopeContent content) {
        List<PartSource> parts = content.parts();
        return new Manifest(id, date, sender.address(), to, cc, bcc, addressing.inReplyTo().orElse(null), addressing.references(),
                parts.get(0).length(), parts.get(1).length(), content.attachmentInfos());
    }

    /** One copy for {@code deliverTo}, sealed to their keys and the sender's (so the sender can read it in Sent). */
    private static void sealCopy(Manifest manifest, EnvelopeContent content, List<Contact> deliverTo, Mailbox sender, CopyOutput output,
            SealRandomness randomness, int segmentSize) throws IOException {
        Map<Fingerprint, PublicBundle> keys = new LinkedHashMap<>();
        deliverTo.forEach(contact -> keys.putIfAbsent(contact.bundle().fingerprint(), contact.bundle()));
        keys.putIfAbsent(sender.keys().publicBundle().fingerprint(), sender.keys().publicBundle());
        try (OutputStream out = output.open(deliverTo.stream().map(Contact::address).toList())) {
            sealOne(manifest.encode(), content.parts(), List.copyOf(keys.values()), sender.keys(), out, randomness, segmentSize);
        }
    }

    /**
     * Writes one version 2 envelope. {@code contentParts} are subject, body, attachments; the
     * manifest becomes part 0. Package-private so tests can seal what an honest client never would.
     */
    static void sealOne(byte[] manifest, List<PartSource> contentParts, List<PublicBundle> recipients, PrivateKeys sender,
            OutputStream out, SealRandomness randomness, int segmentSize) throws IOException {
        if (recipients.isEmpty() || recipients.size() > EnvelopeFormat.MAX_RECIPIENTS) {
            throw new IllegalArgumentException("1 to " + EnvelopeFormat.MAX_RECIPIENTS + " recipients");
        }
        if (Padding.padded(manifest.length) > EnvelopeFormat.MAX_MANIFEST_LENGTH) {
            throw new IllegalArgumentException("the manifest is over " + EnvelopeFormat.MAX_MANIFEST_LENGTH + " bytes");
        }
        Fingerprint senderFingerprint = sender.publicBundle().fingerprint();
        byte[] contentKey = randomness.contentKey();
        try {
            List<EnvelopeHeader.RecipientEntry> entries = new ArrayList<>(recipients.size());
            for (PublicBundle recipient : recipients) {
                entries.add(wrapContentKey(contentKey, senderFingerprint, recipient, randomness.encapsulationSeed()));
            }
            writeEnvelope(manifest, contentParts, entries, keyCommitment(contentKey), contentKey, sender, out, randomness, segmentSize);
        } finally {
            Arrays.fill(contentKey, (byte) 0);
        }
    }

    /**
     * Writes the envelope around recipient entries made already. Only {@link #sealOne} passes entries
     * that all wrap {@code contentKey}; tests pass others to show that opening refuses them.
     */
    static void writeEnvelope(byte[] manifest, List<PartSource> contentParts, List<EnvelopeHeader.RecipientEntry> entries,
            byte[] keyCommitment, byte[] contentKey, PrivateKeys sender, OutputStream out, SealRandomness randomness, int segmentSize)
            throws IOException {
        List<PartSource> parts = new ArrayList<>(contentParts.size() + 1);
        parts.add(PartSource.ofBytes(manifest));
        parts.addAll(contentParts);
        List<EnvelopeHeader.PartInfo> partInfos = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            PartKind kind = i == 0 ? PartKind.MANIFEST : i == 1 ? PartKind.SUBJECT : i == 2 ? PartKind.BODY : PartKind.ATTACHMENT;
            partInfos.add(new EnvelopeHeader.PartInfo(kind, Padding.padded(parts.get(i).length())));
        }
        EnvelopeHeader header = EnvelopeHeader.create(segmentSize, sender.publicBundle().fingerprint(), keyCommitment, entries, partInfos);
        byte[] headerDigest = header.digest();

        out.write(EnvelopeFormat.MAGIC);
        out.write(EnvelopeFormat.VERSION);
        out.write(new ByteWriter(4).u32(header.encoded().length).toByteArray());
        out.write(header.encoded());

        ByteWriter toBeSigned = new ByteWriter(32 * (parts.size() + 2)).bytes(headerDigest);
        for (int i = 0; i < parts.size(); i++) {
            if (i == EnvelopeFormat.HEAD_PARTS) {
                HybridSignature head = sender.identity().sign(SignaturePurpose.ENVELOPE_HEAD, toBeSigned.toByteArray(), randomness.signing());
                writeSignature(head, out);
                toBeSigned.bytes(Digests.sha256(head.toBytes()));
            }
            byte[] partKey = partKey(EnvelopeFormat.PART_KEY_INFO_V2, contentKey, i);
            try {
                toBeSigned.bytes(encryptPadded(new SegmentedAead(partKey, headerDigest, segmentSize), parts.get(i),
                        partInfos.get(i).plaintextLength(), out));
            } finally {
                Arrays.fill(partKey, (byte) 0);
            }
        }
        writeSignature(sender.identity().sign(SignaturePurpose.ENVELOPE_V2, toBeSigned.toByteArray(), randomness.signing()), out);
    }

    private static void writeSignature(HybridSignature signature, OutputStream out) throws IOException {
        byte[] bytes = signature.toBytes();
        out.write(new ByteWriter(4).u32(bytes.length).toByteArray());
        out.write(bytes);
    }

    /** The part's plaintext followed by zeros up to its padded length. */
    private static byte[] encryptPadded(SegmentedAead aead, PartSource part, long padded, OutputStream out) throws IOException {
        if (part instanceof PartSource.InMemory inMemory) {
            return aead.encrypt(Arrays.copyOf(inMemory.bytes(), (int) padded), out);
        }
        try (InputStream in = new SequenceInputStream(part.open(), new ByteArrayInputStream(new byte[(int) (padded - part.length())]))) {
            return aead.encrypt(in, padded, out);
        }
    }

    /**
     * Opens an envelope addressed to {@code reader}, claimed to come from {@code claimedSender}.
     * Checks, in order: framing, sender fingerprint, signature, recipient entry, key unwrap, key
     * commitment, the manifest (sender address, that it names the reader, part lengths), every part
     * and its padding. A version 1 envelope has no manifest; only its signature and keys are checked.
     */
    public static OpenedEnvelope open(byte[] envelope, Mailbox reader, Contact claimedSender) throws CryptoException {
        EnvelopeHeader.Framing framing = EnvelopeHeader.Framing.read(envelope);
        EnvelopeHeader header = framing.header();
        boolean v1 = header.version() == EnvelopeFormat.VERSION_1;
        List<byte[]> partDigests = new ArrayList<>(header.parts().size());
        for (int i = 0; i < header.parts().size(); i++) {
            partDigests.add(SegmentedAead.partDigest(SegmentedAead.segmentHashes(envelope, (int) framing.partOffsets()[i],
                    header.parts().get(i).plaintextLength(), header.segmentSize())));
        }
        byte[] headerDigest = header.digest();
        byte[] contentKey = verifyAndUnwrap(header, headerDigest, signedDigests(framing, partDigests),
                v1 ? SignaturePurpose.ENVELOPE : SignaturePurpose.ENVELOPE_V2, framing.signature(), reader.keys(), claimedSender.bundle());
        try {
            Manifest manifest = null;
            List<byte[]> plaintexts = new ArrayList<>(header.parts().size());
            try {
                for (int i = 0; i < header.parts().size(); i++) {
                    long padded = header.parts().get(i).plaintextLength();
                    byte[] plaintext = decrypt(envelope, framing.partOffsets()[i], padded, header, contentKey, i);
                    if (v1) {
                        plaintexts.add(plaintext);
                    } else if (i == 0) {
                        manifest = checkedManifest(plaintext, header, reader, claimedSender);
                    } else {
                        plaintexts.add(unpad(plaintext, trueLength(manifest, i)));
                    }
                }
            } catch (CryptoException e) {
                plaintexts.forEach(p -> Arrays.fill(p, (byte) 0));
                throw e;
            }
            return new OpenedEnvelope(header.version(), header.sender(), manifest, List.copyOf(plaintexts));
        } finally {
            Arrays.fill(contentKey, (byte) 0);
        }
    }

    /**
     * Opens a version 2 envelope's head from a prefix of it ({@link EnvelopeHeader#headLength()}
     * bytes, or more): the head signature, the key commitment and the manifest's checks as in
     * {@link #open(byte[], Mailbox, Contact)}, then the subject. Body and attachments are not needed.
     */
    public static OpenedHead openHead(byte[] prefix, Mailbox reader, Contact claimedSender) throws CryptoException {
        EnvelopeHeader.Framing framing = EnvelopeHeader.Framing.readHead(EnvelopeSource.of(prefix));
        EnvelopeHeader header = framing.header();
        List<byte[]> headDigests = new ArrayList<>(EnvelopeFormat.HEAD_PARTS);
        for (int i = 0; i < EnvelopeFormat.HEAD_PARTS; i++) {
            headDigests.add(SegmentedAead.partDigest(SegmentedAead.segmentHashes(prefix, (int) framing.partOffsets()[i],
                    header.parts().get(i).plaintextLength(), header.segmentSize())));
        }
        byte[] contentKey = verifyAndUnwrap(header, header.digest(), headDigests, SignaturePurpose.ENVELOPE_HEAD, framing.headSignature(),
                reader.keys(), claimedSender.bundle());
        try {
            Manifest manifest = checkedManifest(decrypt(prefix, framing.partOffsets()[0], header.parts().get(0).plaintextLength(), header,
                    contentKey, 0), header, reader, claimedSender);
            byte[] subject = unpad(decrypt(prefix, framing.partOffsets()[1], header.parts().get(1).plaintextLength(), header, contentKey, 1),
                    manifest.subjectLength());
            return new OpenedHead(header.sender(), manifest, new String(subject, StandardCharsets.UTF_8));
        } finally {
            Arrays.fill(contentKey, (byte) 0);
        }
    }

    /**
     * What the final signature covers after the header digest: every part's digest and, in v2, the
     * SHA-256 of the head signature after the subject's, so that no byte of the envelope is unsigned.
     */
    private static List<byte[]> signedDigests(EnvelopeHeader.Framing framing, List<byte[]> partDigests) {
        if (framing.headSignature() == null) {
            return partDigests;
        }
        List<byte[]> digests = new ArrayList<>(partDigests);
        digests.add(EnvelopeFormat.HEAD_PARTS, Digests.sha256(framing.headSignature().toBytes()));
        return digests;
    }

    private static byte[] decrypt(byte[] envelope, long offset, long length, EnvelopeHeader header, byte[] contentKey, int index)
            throws CryptoException.Tampered {
        byte[] plaintext = new byte[(int) length];
        byte[] partKey = partKey(partKeyInfo(header), contentKey, index);
        try {
            new SegmentedAead(partKey, header.digest(), header.segmentSize()).decrypt(envelope, (int) offset, length, plaintext);
            return plaintext;
        } catch (AEADBadTagException e) {
            Arrays.fill(plaintext, (byte) 0);
            throw new CryptoException.Tampered("part " + index + " does not decrypt");
        } finally {
            Arrays.fill(partKey, (byte) 0);
        }
    }

    /**
     * Parses the decrypted manifest and checks it against the header and the two parties: the sender
     * address is the one the key was looked up for, the reader is named, and every true length pads
     * to the length the header shows (so a sender cannot hide extra bytes in padding).
     */
    private static Manifest checkedManifest(byte[] plaintext, EnvelopeHeader header, Mailbox reader, Contact claimedSender)
            throws CryptoException {
        Manifest manifest = Manifest.parse(plaintext);
        if (!manifest.names(reader.address())) {
            throw new CryptoException.NotAddressedToYou();
        }
        if (!Addresses.normalized(manifest.from()).equals(claimedSender.address())) {
            throw new CryptoException.WrongSender();
        }
        if (manifest.attachments().size() != header.parts().size() - 3) {
            throw new CryptoException.Malformed("the manifest lists another number of attachments than the envelope has");
        }
        for (int i = 1; i < header.parts().size(); i++) {
            if (Padding.padded(trueLength(manifest, i)) != header.parts().get(i).plaintextLength()) {
                throw new CryptoException.Malformed("a part's true length does not pad to its length in the header");
            }
        }
        return manifest;
    }

    /** The true length of v2 part {@code index} (1 subject, 2 body, 3… attachments) from the manifest. */
    private static long trueLength(Manifest manifest, int index) {
        return switch (index) {
            case 1 -> manifest.subjectLength();
            case 2 -> manifest.bodyLength();
            default -> manifest.attachments().get(index - 3).length();
        };
    }

    /** The first {@code length} bytes; the rest must be zero, or the sender hid something in the padding. */
    private static byte[] unpad(byte[] padded, long length) throws CryptoException.Malformed {
        for (int i = (int) length; i < padded.length; i++) {
            if (padded[i] != 0) {
                Arrays.fill(padded, (byte) 0);
                throw new CryptoException.Malformed("a part's padding is not zero");
            }
        }
        return length == padded.length ? padded : Arrays.copyOf(padded, (int) length);
    }

    /**
     * Opens an envelope file into a new directory under {@code outputDirectory}, one file per content
     * part, holding one segment in memory at a time (and the manifest). A first pass hashes the file
     * and verifies the signature; the second decrypts, checking each segment against the hash the
     * first pass saw, so a file changed in between fails instead of yielding unsigned plaintext. On
     * any failure the new directory and everything in it is removed: never partial plaintext on disk.
     */
    public static OpenedFiles open(Path envelopeFile, Mailbox reader, Contact claimedSender, Path outputDirectory)
            throws CryptoException, IOException {
        try (FileChannel channel = FileChannel.open(envelopeFile, StandardOpenOption.READ)) {
            EnvelopeSource source = EnvelopeSource.of(channel);
            EnvelopeHeader.Framing framing = EnvelopeHeader.Framing.read(source);
            EnvelopeHeader header = framing.header();
            boolean v1 = header.version() == EnvelopeFormat.VERSION_1;
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
            byte[] contentKey = verifyAndUnwrap(header, headerDigest, signedDigests(framing, partDigests),
                    v1 ? SignaturePurpose.ENVELOPE : SignaturePurpose.ENVELOPE_V2, framing.signature(), reader.keys(), claimedSender.bundle());
            Path directory = Files.createTempDirectory(outputDirectory, "opened-");
            boolean complete = false;
            try {
                Manifest manifest = null;
                List<Path> files = new ArrayList<>(header.parts().size());
                byte[] plain = new byte[sealed.length];
                for (int i = 0; i < header.parts().size(); i++) {
                    boolean isManifest = !v1 && i == 0;
                    ByteArrayOutputStream manifestBytes = isManifest ? new ByteArrayOutputStream() : null;
                    Path file = isManifest ? null : directory.resolve(OpenedFiles.fileName(v1 ? i : i - 1));
                    if (file != null) {
                        files.add(file);
                    }
                    long keep = v1 || isManifest ? Long.MAX_VALUE : trueLength(manifest, i);
                    byte[] partKey = partKey(partKeyInfo(header), contentKey, i);
                    List<byte[]> expected = segmentHashes.get(i);
                    SegmentedAead aead = new SegmentedAead(partKey, headerDigest, segmentSize);
                    int part = i;
                    try (OutputStream target = isManifest ? manifestBytes
                            : Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                        long[] written = {0};
                        forEachSegment(source, framing.partOffsets()[i], header.parts().get(i).plaintextLength(), segmentSize, sealed,
                                (index, last, length) -> {
                                    if (!MessageDigest.isEqual(expected.get((int) index), Digests.sha256(sealed, 0, length))) {
                                        throw new CryptoException.Tampered("the envelope file changed while it was opened");
                                    }
                                    int count;
                                    try {
                                        count = aead.decryptSegment(index, last, sealed, 0, length, plain, 0);
                                    } catch (AEADBadTagException e) {
                                        throw new CryptoException.Tampered("part " + part + " does not decrypt");
                                    }
                                    int kept = (int) Math.max(0, Math.min(count, keep - written[0]));
                                    for (int b = kept; b < count; b++) {
                                        if (plain[b] != 0) {
                                            throw new CryptoException.Malformed("a part's padding is not zero");
                                        }
                                    }
                                    target.write(plain, 0, kept);
                                    written[0] += count;
                                });
                    } finally {
                        Arrays.fill(partKey, (byte) 0);
                    }
                    if (isManifest) {
                        manifest = checkedManifest(manifestBytes.toByteArray(), header, reader, claimedSender);
                    }
                }
                Arrays.fill(plain, (byte) 0);
                complete = true;
                return new OpenedFiles(header.sender(), manifest, directory, files);
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
     * the header and the part digests, recipient entry, key unwrap, and (v2) the key commitment.
     * Returns the content key.
     */
    private static byte[] verifyAndUnwrap(EnvelopeHeader header, byte[] headerDigest, List<byte[]> signedDigests, SignaturePurpose purpose,
            HybridSignature signature, PrivateKeys recipient, PublicBundle claimedSender) throws CryptoException {
        if (!header.sender().equals(claimedSender.fingerprint())) {
            throw new CryptoException.BadSignature("the envelope names another sender");
        }
        ByteWriter toBeSigned = new ByteWriter(32 * (signedDigests.size() + 1)).bytes(headerDigest);
        signedDigests.forEach(toBeSigned::bytes);
        if (!claimedSender.identityKey().verify(purpose, toBeSigned.toByteArray(), signature)) {
            throw new CryptoException.BadSignature("the sender's signature does not verify");
        }
        Fingerprint me = recipient.publicBundle().fingerprint();
        EnvelopeHeader.RecipientEntry entry = header.recipientEntries().stream()
                .filter(candidate -> candidate.fingerprint().equals(me))
                .findFirst()
                .orElseThrow(CryptoException.NotARecipient::new);
        byte[] contentKey = unwrapContentKey(entry, header, recipient);
        if (header.version() != EnvelopeFormat.VERSION_1) {
            byte[] commitment = keyCommitment(contentKey);
            if (!MessageDigest.isEqual(commitment, header.keyCommitment())) {
                Arrays.fill(contentKey, (byte) 0);
                throw new CryptoException.Tampered("the content key does not match the envelope's key commitment");
            }
        }
        return contentKey;
    }

    private static HPKE hpke() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X_WING, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    }

    /** HPKE associated data: the sender's and the recipient's fingerprints, so a wrap cannot be moved. */
    private static byte[] wrapAad(Fingerprint sender, Fingerprint recipient) {
        return new ByteWriter(64).bytes(sender.toBytes()).bytes(recipient.toBytes()).toByteArray();
    }

    static EnvelopeHeader.RecipientEntry wrapContentKey(byte[] contentKey, Fingerprint sender, PublicBundle recipient,
            byte[] encapsulationSeed) {
        HPKEContextWithEncapsulation context = hpke().setupBaseS(recipient.encryptionKey().parameters(), EnvelopeFormat.HPKE_INFO_V2,
                encapsulationSeed);
        try {
            byte[] wrapped = context.seal(wrapAad(sender, recipient.fingerprint()), contentKey);
            return new EnvelopeHeader.RecipientEntry(recipient.fingerprint(), context.getEncapsulation(), wrapped);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("HPKE seal failed", e);
        } finally {
            Arrays.fill(encapsulationSeed, (byte) 0);
        }
    }

    private static byte[] unwrapContentKey(EnvelopeHeader.RecipientEntry entry, EnvelopeHeader header, PrivateKeys recipient)
            throws CryptoException.Tampered {
        byte[] info = header.version() == EnvelopeFormat.VERSION_1 ? EnvelopeFormat.HPKE_INFO : EnvelopeFormat.HPKE_INFO_V2;
        try {
            HPKEContext context = hpke().setupBaseR(entry.encapsulation(), recipient.encryption().hpkeKeyPair(), info);
            return context.open(wrapAad(header.sender(), entry.fingerprint()), entry.wrappedKey());
        } catch (InvalidCipherTextException | RuntimeException e) {
            throw new CryptoException.Tampered("the wrapped content key does not open");
        }
    }

    private static byte[] partKeyInfo(EnvelopeHeader header) {
        return header.version() == EnvelopeFormat.VERSION_1 ? EnvelopeFormat.PART_KEY_INFO : EnvelopeFormat.PART_KEY_INFO_V2;
    }

    /** v2: HKDF-SHA256(content key, info "sealpost/v2/key-commitment"): binds every recipient to the one key. */
    static byte[] keyCommitment(byte[] contentKey) {
        return hkdf(contentKey, EnvelopeFormat.KEY_COMMITMENT_INFO, EnvelopeFormat.KEY_COMMITMENT_LENGTH);
    }

    private static byte[] partKey(byte[] label, byte[] contentKey, int index) {
        return hkdf(contentKey, new ByteWriter(label.length + 1).bytes(label).u8(index).toByteArray(), 32);
    }

    private static byte[] hkdf(byte[] key, byte[] info, int length) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(key, null, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }
}
