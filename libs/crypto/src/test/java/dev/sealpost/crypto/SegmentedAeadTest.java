package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.Digests;
import dev.sealpost.crypto.internal.SegmentedAead;
import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The segment nonces carry index and final flag: truncation, reordering and extension all fail. */
class SegmentedAeadTest {

    private static final int SEGMENT = 4096;
    private final byte[] key = new byte[32];
    private final byte[] aad = {1, 2, 3};

    private byte[] encrypt(byte[] plaintext) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SegmentedAead(key, aad, SEGMENT).encrypt(new ByteArrayInputStream(plaintext), plaintext.length, out);
        return out.toByteArray();
    }

    @Test
    void theDigestOfParallelSealingIsTheHashOfTheSegmentHashesInOrder() throws Exception {
        // several batches of 256 segments each, spread over the worker threads
        byte[] plaintext = new byte[600 * SEGMENT + 123];
        new Random(7).nextBytes(plaintext);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] digest = new SegmentedAead(key, aad, SEGMENT).encrypt(new ByteArrayInputStream(plaintext), plaintext.length, out);
        byte[] ciphertext = out.toByteArray();

        MessageDigest expected = Digests.sha256();
        int sealed = SEGMENT + SegmentedAead.TAG_LENGTH;
        for (int offset = 0; offset < ciphertext.length; offset += sealed) {
            expected.update(Digests.sha256(Arrays.copyOfRange(ciphertext, offset, Math.min(offset + sealed, ciphertext.length))));
        }
        assertArrayEquals(expected.digest(), digest);
        assertArrayEquals(digest, SegmentedAead.partDigest(SegmentedAead.segmentHashes(ciphertext, 0, plaintext.length, SEGMENT)));
        byte[] decrypted = new byte[plaintext.length];
        new SegmentedAead(key, aad, SEGMENT).decrypt(ciphertext, 0, plaintext.length, decrypted);
        assertArrayEquals(plaintext, decrypted);

        // sealing from memory in place gives the same bytes and digest as sealing from a stream
        ByteArrayOutputStream fromArray = new ByteArrayOutputStream();
        assertArrayEquals(digest, new SegmentedAead(key, aad, SEGMENT).encrypt(plaintext, fromArray));
        assertArrayEquals(ciphertext, fromArray.toByteArray());
    }

    @Test
    void roundTripAcrossSegmentBoundaries() throws Exception {
        for (int length : new int[] {0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT}) {
            byte[] plaintext = new byte[length];
            new Random(length).nextBytes(plaintext);
            byte[] ciphertext = encrypt(plaintext);
            byte[] decrypted = new byte[length];
            new SegmentedAead(key, aad, SEGMENT).decrypt(ciphertext, 0, length, decrypted);
            assertArrayEquals(plaintext, decrypted);
        }
    }

    @Test
    void droppingTheFinalSegmentIsDetected() throws Exception {
        byte[] ciphertext = encrypt(new byte[2 * SEGMENT]);
        byte[] firstOnly = Arrays.copyOf(ciphertext, SEGMENT + SegmentedAead.TAG_LENGTH);
        // the first segment was not sealed as the last one
        assertThrows(AEADBadTagException.class,
                () -> new SegmentedAead(key, aad, SEGMENT).decrypt(firstOnly, 0, SEGMENT, new byte[SEGMENT]));
    }

    @Test
    void swappingSegmentsIsDetected() throws Exception {
        byte[] ciphertext = encrypt(new byte[3 * SEGMENT]);
        int sealed = SEGMENT + SegmentedAead.TAG_LENGTH;
        byte[] swapped = ciphertext.clone();
        System.arraycopy(ciphertext, 0, swapped, sealed, sealed);
        System.arraycopy(ciphertext, sealed, swapped, 0, sealed);
        assertThrows(AEADBadTagException.class,
                () -> new SegmentedAead(key, aad, SEGMENT).decrypt(swapped, 0, 3 * SEGMENT, new byte[3 * SEGMENT]));
    }

    @Test
    void otherAssociatedDataIsDetected() throws Exception {
        byte[] ciphertext = encrypt(new byte[10]);
        assertThrows(AEADBadTagException.class,
                () -> new SegmentedAead(key, new byte[] {9}, SEGMENT).decrypt(ciphertext, 0, 10, new byte[10]));
    }
}
