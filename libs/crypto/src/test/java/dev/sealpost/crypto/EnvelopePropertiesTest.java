package dev.sealpost.crypto;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EnvelopePropertiesTest {

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(3 * EnvelopeFormat.MIN_SEGMENT_SIZE + 5);
    }

    @Property(tries = 40)
    void everyRecipientOpensWhatWasSealed(@ForAll("bodies") byte[] body, @ForAll @IntRange(min = 1, max = 63) int recipients,
            @ForAll @IntRange(min = 0, max = 3) int attachments) throws Exception {
        PrivateKeys sender = TestKeys.USERS.get(65);
        EnvelopeContent.Builder builder = EnvelopeContent.builder().subject("subject " + body.length).body(body);
        for (int i = 0; i < attachments; i++) {
            builder.attachment("file.bin", "application/octet-stream", body);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        TestMail.seal(builder.build(), TestKeys.bundles(0, recipients), sender, out, EnvelopeFormat.MIN_SEGMENT_SIZE);
        byte[] envelope = out.toByteArray();
        for (PrivateKeys recipient : List.of(TestKeys.USERS.get(0), TestKeys.USERS.get(recipients - 1))) {
            OpenedEnvelope opened = TestMail.open(envelope, recipient, sender.publicBundle());
            assertArrayEquals(body, opened.body());
            assertEquals(attachments, opened.attachments().size());
        }
        assertThrows(CryptoException.NotARecipient.class, () -> TestMail.open(envelope, TestKeys.USERS.get(64), sender.publicBundle()));
    }

    /** One envelope, every bit position a candidate: any flip must end in a typed failure, never plaintext. */
    private static final byte[] ENVELOPE = TestMail.seal(
            EnvelopeContent.builder().subject("s").body(new byte[300]).attachment("file.bin", "application/octet-stream", new byte[100]).build(),
            TestKeys.bundles(0, 2), TestKeys.USERS.get(65));

    @Property(tries = 400)
    void anyFlippedBitIsATypedFailure(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position) {
        int bit = position % (ENVELOPE.length * 8);
        byte[] tampered = ENVELOPE.clone();
        tampered[bit / 8] ^= (byte) (1 << (bit % 8));
        assertThrows(CryptoException.class, () -> TestMail.open(tampered, TestKeys.USERS.get(0), TestKeys.USERS.get(65).publicBundle()));
    }

    @Property(tries = 200)
    void anyTruncationIsMalformed(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) {
        byte[] truncated = java.util.Arrays.copyOf(ENVELOPE, cut % ENVELOPE.length);
        assertThrows(CryptoException.Malformed.class, () -> EnvelopeHeader.parse(truncated));
    }
}
