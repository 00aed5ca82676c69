package dev.sealpost.crypto.internal;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * AES-256-GCM over a stream in fixed-size segments, in the manner of Tink's streaming AEAD: each
 * segment has its own nonce (segment index and a final-segment flag), so segments cannot be
 * reordered, dropped or truncated without detection, and a part never has to be in memory whole.
 * The key must be used for one part only (the envelope derives a fresh key per part).
 *
 * <p>Nonce (12 bytes) = 7 zero bytes || u32 segment index || u8 last (1 on the final segment).
 */
public final class SegmentedAead {

    public static final int TAG_LENGTH = 16;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] associatedData;
    private final int segmentSize;
    private final byte[] nonce = new byte[12];

    public SegmentedAead(byte[] key, byte[] associatedData, int segmentSize) {
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has AES/GCM", e);
        }
        this.key = new SecretKeySpec(key, "AES");
        this.associatedData = associatedData;
        this.segmentSize = segmentSize;
    }

    /** Encrypts exactly {@code length} bytes from {@code in}; writes ciphertext to {@code out} and into {@code digest}. */
    public void encrypt(InputStream in, long length, OutputStream out, MessageDigest digest) throws IOException {
        byte[] plain = new byte[(int) Math.min(segmentSize, Math.max(length, 0))];
        byte[] sealed = new byte[plain.length + TAG_LENGTH];
        long segments = Math.max(1, (length + segmentSize - 1) / segmentSize);
        long remaining = length;
        for (long index = 0; index < segments; index++) {
            int chunk = (int) Math.min(segmentSize, remaining);
            readFully(in, plain, chunk);
            int written = crypt(Cipher.ENCRYPT_MODE, index, index == segments - 1, plain, 0, chunk, sealed);
            out.write(sealed, 0, written);
            digest.update(sealed, 0, written);
            remaining -= chunk;
        }
    }

    /**
     * Decrypts a whole part held in {@code ciphertext} at {@code offset} into {@code plaintext}.
     * Throws on the first segment that fails; the caller discards any output then.
     */
    public void decrypt(byte[] ciphertext, int offset, long plaintextLength, byte[] plaintext) throws AEADBadTagException {
        long segments = Math.max(1, (plaintextLength + segmentSize - 1) / segmentSize);
        int in = offset;
        int out = 0;
        for (long index = 0; index < segments; index++) {
            int chunk = (int) Math.min(segmentSize, plaintextLength - out);
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, parameters(index, index == segments - 1));
                cipher.updateAAD(associatedData);
                out += cipher.doFinal(ciphertext, in, chunk + TAG_LENGTH, plaintext, out);
            } catch (AEADBadTagException e) {
                throw e;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed", e);
            }
            in += chunk + TAG_LENGTH;
        }
    }

    private int crypt(int mode, long index, boolean last, byte[] input, int offset, int length, byte[] output) {
        try {
            cipher.init(mode, key, parameters(index, last));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(input, offset, length, output, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private GCMParameterSpec parameters(long index, boolean last) {
        if (index > 0xffffffffL) {
            throw new IllegalStateException("too many segments");
        }
        nonce[7] = (byte) (index >>> 24);
        nonce[8] = (byte) (index >>> 16);
        nonce[9] = (byte) (index >>> 8);
        nonce[10] = (byte) index;
        nonce[11] = (byte) (last ? 1 : 0);
        return new GCMParameterSpec(TAG_LENGTH * 8, nonce);
    }

    private static void readFully(InputStream in, byte[] buffer, int length) throws IOException {
        int read = 0;
        while (read < length) {
            int n = in.read(buffer, read, length - read);
            if (n < 0) {
                throw new IOException("part ended before its declared length");
            }
            read += n;
        }
    }
}
