package dev.sealpost.crypto;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hostile framing is refused with a typed failure before anything large is allocated. */
class MalformedEnvelopeTest {

    private static final int VERSION = 4;
    private static final int HEADER_LENGTH = 5;
    private static final int HEADER = 9;
    private static final int RECIPIENT_COUNT = HEADER + 8 + 4 + 32 + 32; // after the sender and the key commitment

    private final byte[] envelope = TestMail.seal(EnvelopeContent.of("s", "b"), TestKeys.bundles(0, 1), TestKeys.USERS.get(1));

    private byte[] with(int offset, byte... bytes) {
        byte[] copy = envelope.clone();
        System.arraycopy(bytes, 0, copy, offset, bytes.length);
        return copy;
    }

    private void assertRefused(Class<? extends CryptoException> expected, byte[] candidate) {
        assertThrows(expected, () -> EnvelopeHeader.parse(candidate));
        assertThrows(expected, () -> TestMail.open(candidate, TestKeys.USERS.get(0), TestKeys.USERS.get(1).publicBundle()));
    }

    @Test
    void wrongMagic() {
        assertRefused(CryptoException.Malformed.class, with(0, (byte) 'X'));
    }

    @Test
    void unknownVersion() {
        assertRefused(CryptoException.UnsupportedVersion.class, with(VERSION, (byte) 3));
    }

    @Test
    void unknownAlgorithm() {
        assertRefused(CryptoException.UnsupportedVersion.class, with(HEADER, (byte) 0x00, (byte) 0x20));
    }

    @Test
    void hugeHeaderLength() {
        assertRefused(CryptoException.Malformed.class, with(HEADER_LENGTH, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff));
    }

    @Test
    void hugePartLength() {
        int bodyLength = envelope.length; // find the body's u64 length: after the recipients, the part count, manifest and subject
        int partsStart = RECIPIENT_COUNT + 1 + 2 * EnvelopeFormat.RECIPIENT_ENTRY_LENGTH + 1; // the recipient and the sender
        byte[] huge = with(partsStart + 18 + 1, (byte) 0x40, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0);
        assertRefused(CryptoException.Malformed.class, huge);
        assertRefused(CryptoException.Malformed.class, with(partsStart + 18 + 1, (byte) 0, (byte) 0, (byte) 0, (byte) 0,
                (byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) (bodyLength & 0xff)));
    }

    @Test
    void recipientCountOutOfRange() {
        assertRefused(CryptoException.Malformed.class, with(RECIPIENT_COUNT, (byte) 0));
        assertRefused(CryptoException.Malformed.class, with(RECIPIENT_COUNT, (byte) 65));
    }

    @Test
    void trailingBytes() {
        assertRefused(CryptoException.Malformed.class, Arrays.copyOf(envelope, envelope.length + 1));
    }

    @Test
    void emptyAndTinyInputs() {
        for (byte[] candidate : List.of(new byte[0], new byte[] {0x53}, Arrays.copyOf(envelope, 9))) {
            assertRefused(CryptoException.Malformed.class, candidate);
        }
    }
}
