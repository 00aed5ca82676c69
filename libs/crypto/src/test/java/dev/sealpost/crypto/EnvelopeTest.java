package dev.sealpost.crypto;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EnvelopeTest {

    private final PrivateKeys alice = TestKeys.USERS.get(0);
    private final PrivateKeys bob = TestKeys.USERS.get(1);
    private final PrivateKeys carol = TestKeys.USERS.get(2);
    private final PrivateKeys mallory = TestKeys.USERS.get(3);

    @Test
    void recipientOpensWhatTheSenderSealed() throws Exception {
        byte[] attachment = new byte[200_000];
        new Random(1).nextBytes(attachment);
        EnvelopeContent content = EnvelopeContent.builder().subject("Quarterly numbers")
                .body("See attached.".getBytes(StandardCharsets.UTF_8)).attachment("file.bin", "application/octet-stream", attachment).build();
        byte[] envelope = TestMail.seal(content, List.of(bob.publicBundle(), carol.publicBundle()), alice);

        for (PrivateKeys recipient : List.of(bob, carol)) {
            OpenedEnvelope opened = TestMail.open(envelope, recipient, alice.publicBundle());
            assertEquals("Quarterly numbers", opened.subject());
            assertArrayEquals("See attached.".getBytes(StandardCharsets.UTF_8), opened.body());
            assertArrayEquals(attachment, opened.attachments().get(0));
            assertEquals(alice.publicBundle().fingerprint(), opened.sender());
        }
    }

    @Test
    void plaintextNeverAppearsInTheEnvelope() {
        String canary = "canary-7f3a9c-subject-and-body";
        byte[] envelope = TestMail.seal(EnvelopeContent.of(canary, canary), List.of(bob.publicBundle()), alice);
        assertFalse(new String(envelope, StandardCharsets.ISO_8859_1).contains(canary));
    }

    @Test
    void aNonRecipientCannotOpen() {
        byte[] envelope = TestMail.seal(EnvelopeContent.of("s", "b"), List.of(bob.publicBundle()), alice);
        assertThrows(CryptoException.NotARecipient.class, () -> TestMail.open(envelope, carol, alice.publicBundle()));
    }

    @Test
    void anEnvelopeFromSomeoneElseFailsAgainstTheClaimedSender() {
        byte[] envelope = TestMail.seal(EnvelopeContent.of("s", "b"), List.of(bob.publicBundle()), mallory);
        assertThrows(CryptoException.BadSignature.class, () -> TestMail.open(envelope, bob, alice.publicBundle()));
    }

    @Test
    void anEnvelopeResignedBySomeoneElseFails() throws Exception {
        byte[] envelope = TestMail.seal(EnvelopeContent.of("s", "b"), List.of(bob.publicBundle()), alice);
        // mallory replaces the trailing signature with hers over the same header and ciphertexts
        byte[] forged = envelope.clone();
        byte[] malloryEnvelope = TestMail.seal(EnvelopeContent.of("s", "b"), List.of(bob.publicBundle()), mallory);
        System.arraycopy(malloryEnvelope, malloryEnvelope.length - HybridSignature.ENCODED_LENGTH,
                forged, forged.length - HybridSignature.ENCODED_LENGTH, HybridSignature.ENCODED_LENGTH);
        assertThrows(CryptoException.BadSignature.class, () -> TestMail.open(forged, bob, alice.publicBundle()));
    }

    @Test
    void theHeaderParserReadsShapeWithoutKeys() throws Exception {
        byte[] envelope = TestMail.seal(EnvelopeContent.builder().subject("x").body(new byte[10]).attachment("file.bin", "application/octet-stream", new byte[70_000]).build(),
                List.of(bob.publicBundle(), carol.publicBundle()), alice);
        EnvelopeHeader header = EnvelopeHeader.parse(envelope);
        assertEquals(alice.publicBundle().fingerprint(), header.sender());
        // the sender keeps a readable copy (Sent), so their key is the last recipient
        assertEquals(List.of(bob.publicBundle().fingerprint(), carol.publicBundle().fingerprint(), alice.publicBundle().fingerprint()),
                header.recipients());
        // padded lengths only: the true ones are in the encrypted manifest
        assertEquals(List.of(new EnvelopeHeader.PartInfo(PartKind.MANIFEST, 256), new EnvelopeHeader.PartInfo(PartKind.SUBJECT, 256),
                new EnvelopeHeader.PartInfo(PartKind.BODY, 256), new EnvelopeHeader.PartInfo(PartKind.ATTACHMENT, 71_680)), header.parts());
        assertEquals(2, header.version());
    }

    @Test
    void aFileAttachmentIsStreamedAndOpensIdentically(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.bin");
        byte[] data = new byte[3 * EnvelopeFormat.DEFAULT_SEGMENT_SIZE + 17];
        new Random(2).nextBytes(data);
        Files.write(file, data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TestMail.seal(EnvelopeContent.builder().subject("file").attachment("file.bin", "application/octet-stream", PartSource.ofFile(file)).build(),
                List.of(bob.publicBundle()), alice, out);
        assertArrayEquals(data, TestMail.open(out.toByteArray(), bob, alice.publicBundle()).attachments().get(0));
    }

    @Test
    void aTruncatedMultiSegmentEnvelopeIsMalformed() throws Exception {
        int segment = EnvelopeFormat.MIN_SEGMENT_SIZE;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TestMail.seal(EnvelopeContent.builder().subject("").body(new byte[2 * segment]).build(),
                List.of(bob.publicBundle()), alice, out, segment);
        byte[] envelope = out.toByteArray();
        // the framing catches a cut; a dropped or reordered segment inside a part is caught by the
        // segment nonces (SegmentedAeadTest) and, before that, by the signature
        byte[] truncated = java.util.Arrays.copyOf(envelope, envelope.length - 1);
        assertThrows(CryptoException.Malformed.class, () -> TestMail.open(truncated, bob, alice.publicBundle()));
    }

    @Test
    void publicBundlesRoundTripAndRejectForgedSelfSignatures() throws Exception {
        byte[] encoded = alice.publicBundle().toBytes();
        assertEquals(alice.publicBundle().fingerprint(), PublicBundle.fromBytes(encoded).fingerprint());
        // another user's identity key in front of alice's encryption key and signature
        byte[] forged = encoded.clone();
        byte[] mallorys = mallory.publicBundle().toBytes();
        System.arraycopy(mallorys, 0, forged, 0, 3 + 2 + 32 + 2 + 1952);
        assertThrows(CryptoException.BadSignature.class, () -> PublicBundle.fromBytes(forged));
        byte[] garbled = encoded.clone();
        garbled[10] ^= 1; // inside the Ed25519 key: a bad point or a bad signature, either way refused
        assertThrows(CryptoException.class, () -> PublicBundle.fromBytes(garbled));
    }

    @Test
    void sealingRefusesBadRecipientLists() {
        EnvelopeContent content = EnvelopeContent.of("s", "b");
        assertThrows(IllegalArgumentException.class, () -> TestMail.seal(content, List.of(), alice));
        assertThrows(IllegalArgumentException.class,
                () -> TestMail.seal(content, List.of(bob.publicBundle(), bob.publicBundle()), alice));
        assertThrows(IllegalArgumentException.class,
                () -> TestMail.seal(content, TestKeys.bundles(0, EnvelopeFormat.MAX_RECIPIENTS + 1), alice));
    }
}
