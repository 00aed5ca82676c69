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
                MessageDigest partDigest = Digests.sha256();
                byte[] partKey = partKey(contentKey, i);
                try (InputStream in = parts.get(i).open()) {
                    new SegmentedAead(partKey, headerDigest, segmentSize).encrypt(in, parts.get(i).length(), out, partDigest);
                } finally {
                    Arrays.fill(partKey, (byte) 0);
                }
                toBeSigned.bytes(partDigest.digest());
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
        if (!header.sender().equals(claimedSender.fingerprint())) {
            throw new CryptoException.BadSignature("the envelope names another sender");
        }
        byte[] headerDigest = header.digest();
        ByteWriter toBeSigned = new ByteWriter(32 * (header.parts().size() + 1)).bytes(headerDigest);
        for (int i = 0; i < header.parts().size(); i++) {
            MessageDigest partDigest = Digests.sha256();
            partDigest.update(envelope, framing.partOffsets()[i],
                    (int) EnvelopeFormat.ciphertextLength(header.parts().get(i).plaintextLength(), header.segmentSize()));
            toBeSigned.bytes(partDigest.digest());
        }
        if (!claimedSender.identityKey().verify(SignaturePurpose.ENVELOPE, toBeSigned.toByteArray(), framing.signature())) {
            throw new CryptoException.BadSignature("the sender's signature does not verify");
        }

        Fingerprint me = recipient.publicBundle().fingerprint();
        EnvelopeHeader.RecipientEntry entry = header.recipientEntries().stream()
                .filter(candidate -> candidate.fingerprint().equals(me))
                .findFirst()
                .orElseThrow(CryptoException.NotARecipient::new);
        byte[] contentKey = unwrapContentKey(entry, header.sender(), recipient);
        try {
            List<byte[]> plaintexts = new ArrayList<>(header.parts().size());
            for (int i = 0; i < header.parts().size(); i++) {
                long length = header.parts().get(i).plaintextLength();
                byte[] plaintext = new byte[(int) length];
                byte[] partKey = partKey(contentKey, i);
                try {
                    new SegmentedAead(partKey, headerDigest, header.segmentSize())
                            .decrypt(envelope, framing.partOffsets()[i], length, plaintext);
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
