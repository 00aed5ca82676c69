package dev.sealpost.crypto;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What format v2 adds: key commitment, the signed manifest and who it names, Bcc copies, padding, the head. */
class EnvelopeV2Test {

    private final Mailbox alice = new Mailbox("alice@example.test", TestKeys.USERS.get(0));
    private final Mailbox bob = new Mailbox("bob@example.test", TestKeys.USERS.get(1));
    private final Mailbox carol = new Mailbox("carol@example.test", TestKeys.USERS.get(2));
    private final Mailbox dave = new Mailbox("dave@example.test", TestKeys.USERS.get(3));
    private final Mailbox erin = new Mailbox("erin@example.test", TestKeys.USERS.get(4));

    private static EnvelopeContent content(String subject, String body) {
        return EnvelopeContent.builder().subject(subject).body(body.getBytes(StandardCharsets.UTF_8))
                .attachment("report.pdf", "application/pdf", "%PDF-1.7 …".getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void theManifestCarriesSignedAddressesDateAndAttachmentNames() throws Exception {
        SealedCopy copy = Envelope.seal(content("Plans", "Tomorrow at ten."),
                Addressing.builder().to(bob.contact()).cc(List.of(carol.contact())).build(), alice).get(0);
        assertEquals(List.of("bob@example.test", "carol@example.test"), copy.deliverTo());
        for (Mailbox reader : List.of(bob, carol, alice)) {
            OpenedEnvelope opened = Envelope.open(copy.envelope(), reader, alice.contact());
            Manifest manifest = opened.manifest().orElseThrow();
            assertEquals("alice@example.test", manifest.from());
            assertEquals(List.of("bob@example.test"), manifest.to());
            assertEquals(List.of("carol@example.test"), manifest.cc());
            assertEquals(List.of(), manifest.bcc());
            assertEquals(List.of(new AttachmentInfo("report.pdf", "application/pdf", 12)), manifest.attachments());
            assertEquals("Tomorrow at ten.", new String(opened.body(), StandardCharsets.UTF_8));
            assertEquals(12, opened.attachments().get(0).length);
            assertTrue(Math.abs(manifest.date().toEpochMilli() - System.currentTimeMillis()) < 60_000);
        }
    }

    @Test
    void invisibleSalamandersAreRefusedByTheKeyCommitment() throws Exception {
        // a sender wraps one content key for Bob and another for Carol under one signed header
        byte[] keyForBob = new byte[32];
        byte[] keyForCarol = new byte[32];
        Arrays.fill(keyForBob, (byte) 1);
        Arrays.fill(keyForCarol, (byte) 2);
        Fingerprint sender = alice.keys().publicBundle().fingerprint();
        List<EnvelopeHeader.RecipientEntry> entries = List.of(
                Envelope.wrapContentKey(keyForBob, sender, bob.keys().publicBundle(), SealRandomness.SECURE.encapsulationSeed()),
                Envelope.wrapContentKey(keyForCarol, sender, carol.keys().publicBundle(), SealRandomness.SECURE.encapsulationSeed()));
        Manifest manifest = new Manifest(MessageId.random(), java.time.Instant.now(), alice.address(), List.of(bob.address(), carol.address()),
                List.of(), List.of(), null, List.of(), 8, 14, List.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Envelope.writeEnvelope(manifest.encode(), List.of(PartSource.ofBytes("Contract".getBytes(StandardCharsets.UTF_8)),
                PartSource.ofBytes("Contract: VOID".getBytes(StandardCharsets.UTF_8))), entries, Envelope.keyCommitment(keyForBob), keyForBob,
                alice.keys(), out, SealRandomness.SECURE, EnvelopeFormat.DEFAULT_SEGMENT_SIZE);
        byte[] envelope = out.toByteArray();
        assertEquals("Contract", Envelope.open(envelope, bob, alice.contact()).subject());
        CryptoException.Tampered refused = assertThrows(CryptoException.Tampered.class, () -> Envelope.open(envelope, carol, alice.contact()));
        assertTrue(refused.getMessage().contains("key commitment"));
        byte[] head = Arrays.copyOf(envelope, (int) EnvelopeHeader.parse(envelope).headLength());
        assertThrows(CryptoException.Tampered.class, () -> Envelope.openHead(head, carol, alice.contact()));
    }

    @Test
    void aMessageResealedToSomeoneElseIsNotAddressedToThem() throws Exception {
        byte[] original = Envelope.seal(content("Just for you", "Bob, this is private."), Addressing.to(bob.contact()), alice).get(0).envelope();
        OpenedEnvelope opened = Envelope.open(original, bob, alice.contact());
        // Bob reseals Alice's manifest and content, signed by himself, to Dave
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Envelope.sealOne(opened.manifest().orElseThrow().encode(), List.of(PartSource.ofBytes(opened.subject().getBytes(StandardCharsets.UTF_8)),
                PartSource.ofBytes(opened.body()), PartSource.ofBytes(opened.attachments().get(0))), List.of(dave.keys().publicBundle()),
                bob.keys(), out, SealRandomness.SECURE, EnvelopeFormat.DEFAULT_SEGMENT_SIZE);
        byte[] forwarded = out.toByteArray();
        assertThrows(CryptoException.NotAddressedToYou.class, () -> Envelope.open(forwarded, dave, bob.contact()));
        assertThrows(CryptoException.NotAddressedToYou.class, () -> Envelope.openHead(forwarded, dave, bob.contact()));
        // and it does not pass as Alice's: her key did not sign it
        assertThrows(CryptoException.BadSignature.class, () -> Envelope.open(forwarded, dave, alice.contact()));
    }

    @Test
    void aManifestNamingAnotherSenderIsRefused() throws Exception {
        byte[] envelope = Envelope.seal(content("s", "b"), Addressing.to(bob.contact()), alice).get(0).envelope();
        // Alice's key, but the directory lookup was for another address
        Contact impostor = new Contact("ceo@example.test", alice.keys().publicBundle());
        assertThrows(CryptoException.WrongSender.class, () -> Envelope.open(envelope, bob, impostor));
    }

    @Test
    void bccRecipientsAreInNoByteThatOthersReceive() throws Exception {
        List<SealedCopy> copies = Envelope.seal(content("Offer", "Numbers attached."), Addressing.builder().to(bob.contact())
                .cc(List.of(carol.contact())).bcc(List.of(dave.contact(), erin.contact())).build(), alice);
        assertEquals(3, copies.size());
        SealedCopy shared = copies.get(0);
        assertEquals(List.of(bob.address(), carol.address()), shared.deliverTo());
        for (Mailbox hidden : List.of(dave, erin)) {
            assertFalse(contains(shared.envelope(), hidden.keys().publicBundle().fingerprint().toBytes()));
            assertFalse(contains(shared.envelope(), hidden.address().getBytes(StandardCharsets.UTF_8)));
            assertThrows(CryptoException.NotARecipient.class, () -> Envelope.open(shared.envelope(), hidden, alice.contact()));
        }
        Manifest seenByBob = Envelope.open(shared.envelope(), bob, alice.contact()).manifest().orElseThrow();
        assertFalse(seenByBob.names(dave.address()) || seenByBob.names(erin.address()));

        SealedCopy davesCopy = copies.get(1);
        assertEquals(List.of(dave.address()), davesCopy.deliverTo());
        assertEquals(List.of(dave.keys().publicBundle().fingerprint(), alice.keys().publicBundle().fingerprint()),
                EnvelopeHeader.parse(davesCopy.envelope()).recipients());
        Manifest seenByDave = Envelope.open(davesCopy.envelope(), dave, alice.contact()).manifest().orElseThrow();
        assertEquals(List.of(bob.address()), seenByDave.to());
        assertEquals(List.of(carol.address()), seenByDave.cc());
        assertEquals(List.of(dave.address()), seenByDave.bcc());
        assertFalse(seenByDave.names(erin.address()));
        assertFalse(contains(davesCopy.envelope(), erin.keys().publicBundle().fingerprint().toBytes()));
        assertThrows(CryptoException.NotARecipient.class, () -> Envelope.open(davesCopy.envelope(), bob, alice.contact()));
        // one message: every copy has the same id and date; the sender can read each copy
        assertEquals(seenByBob.messageId(), seenByDave.messageId());
        assertEquals(seenByBob.date(), seenByDave.date());
        assertEquals(seenByDave.messageId(), Envelope.open(copies.get(2).envelope(), alice, alice.contact()).manifest().orElseThrow().messageId());
    }

    @Test
    void theHeaderShowsPaddedLengthsOnly() throws Exception {
        int[] sizes = {0, 1, 255, 300, 4_000, 4_096, 70_000};
        for (int size : sizes) {
            byte[] envelope = TestMail.seal(EnvelopeContent.builder().subject("x".repeat(size % 200)).body(new byte[size]).build(),
                    List.of(bob.keys().publicBundle()), alice.keys());
            EnvelopeHeader header = EnvelopeHeader.parse(envelope);
            assertEquals(dev.sealpost.crypto.internal.Padding.padded(size), header.parts().get(2).plaintextLength());
            assertEquals(256, header.parts().get(1).plaintextLength());
            assertEquals(size, TestMail.open(envelope, bob.keys(), alice.keys().publicBundle()).body().length);
        }
        // two bodies in one bucket make envelopes of one length
        byte[] a = TestMail.seal(EnvelopeContent.builder().subject("s").body(new byte[4_100]).build(), List.of(bob.keys().publicBundle()), alice.keys());
        byte[] b = TestMail.seal(EnvelopeContent.builder().subject("longer subject").body(new byte[4_350]).build(),
                List.of(bob.keys().publicBundle()), alice.keys());
        assertEquals(a.length, b.length);
    }

    @Test
    void theHeadOpensFromAPrefixWithoutBodyOrAttachments() throws Exception {
        byte[] attachment = new byte[200_000];
        new java.util.Random(7).nextBytes(attachment);
        byte[] envelope = Envelope.seal(EnvelopeContent.builder().subject("Quarterly numbers").body(new byte[50_000])
                .attachment("q3.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", attachment).build(),
                Addressing.to(bob.contact()), alice).get(0).envelope();
        long headLength = EnvelopeHeader.parse(envelope).headLength();
        assertTrue(headLength < 10_000, "the head is small: " + headLength);
        byte[] head = Arrays.copyOf(envelope, (int) headLength);
        OpenedHead opened = Envelope.openHead(head, bob, alice.contact());
        assertEquals("Quarterly numbers", opened.subject());
        assertEquals("q3.xlsx", opened.manifest().attachments().get(0).name());
        assertEquals(200_000, opened.manifest().attachments().get(0).length());
        assertEquals(alice.keys().publicBundle().fingerprint(), opened.sender());

        assertThrows(CryptoException.Malformed.class, () -> Envelope.openHead(Arrays.copyOf(head, head.length - 1), bob, alice.contact()));
        byte[] flipped = head.clone();
        flipped[head.length - 100] ^= 1; // inside the head signature
        assertThrows(CryptoException.class, () -> Envelope.openHead(flipped, bob, alice.contact()));
        byte[] wholeFlipped = envelope.clone();
        wholeFlipped[head.length - 100] ^= 1; // the final signature covers the head signature too
        assertThrows(CryptoException.BadSignature.class, () -> Envelope.open(wholeFlipped, bob, alice.contact()));
        assertThrows(CryptoException.NotARecipient.class, () -> Envelope.openHead(head, carol, alice.contact()));
    }

    @Test
    void nonZeroPaddingIsRefused() throws Exception {
        // a sender that hides bytes in the padding: its manifest claims 3 body bytes of 10
        Manifest manifest = new Manifest(MessageId.random(), java.time.Instant.now(), alice.address(), List.of(bob.address()), List.of(),
                List.of(), null, List.of(), 1, 3, List.of());
        byte[] body = new byte[10];
        body[9] = 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Envelope.sealOne(manifest.encode(), List.of(PartSource.ofBytes(new byte[] {'s'}), PartSource.ofBytes(body)),
                List.of(bob.keys().publicBundle()), alice.keys(), out, SealRandomness.SECURE, EnvelopeFormat.MIN_SEGMENT_SIZE);
        assertThrows(CryptoException.Malformed.class, () -> Envelope.open(out.toByteArray(), bob, alice.contact()));
    }

    @Test
    void aManifestWhoseLengthsDoNotPadToTheHeaderIsRefused() throws Exception {
        Manifest manifest = new Manifest(MessageId.random(), java.time.Instant.now(), alice.address(), List.of(bob.address()), List.of(),
                List.of(), null, List.of(), 1, 3, List.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Envelope.sealOne(manifest.encode(), List.of(PartSource.ofBytes(new byte[] {'s'}), PartSource.ofBytes(new byte[1000])),
                List.of(bob.keys().publicBundle()), alice.keys(), out, SealRandomness.SECURE, EnvelopeFormat.MIN_SEGMENT_SIZE);
        assertThrows(CryptoException.Malformed.class, () -> Envelope.open(out.toByteArray(), bob, alice.contact()));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        return indexOf(haystack, needle) >= 0;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
