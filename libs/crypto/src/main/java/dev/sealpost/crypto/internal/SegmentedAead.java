package dev.sealpost.crypto.internal;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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

    /** Ciphertext handed to the hashing thread in batches of about this size, to keep hand-offs rare. */
    private static final int HASH_BATCH_BYTES = 1024 * 1024;

    /**
     * Encrypts exactly {@code length} bytes from {@code in}; writes ciphertext to {@code out} and into
     * {@code digest}. Sealed segments are collected in a batch of about 1 MiB; while the next batch is
     * encrypted, the previous one is hashed on another thread, so on two cores SHA-256 and AES-GCM
     * (which cost about the same per byte) overlap instead of adding up.
     */
    public void encrypt(InputStream in, long length, OutputStream out, MessageDigest digest) throws IOException {
        int plainSize = (int) Math.min(segmentSize, Math.max(length, 0));
        int sealedSize = plainSize + TAG_LENGTH;
        int perBatch = Math.max(1, HASH_BATCH_BYTES / sealedSize);
        long segments = Math.max(1, (length + segmentSize - 1) / segmentSize);
        perBatch = (int) Math.min(perBatch, segments);
        byte[] plain = new byte[plainSize];
        byte[][] batches = {new byte[perBatch * sealedSize], segments > perBatch ? new byte[perBatch * sealedSize] : null};
        int current = 0;
        int filled = 0;
        long remaining = length;
        Future<?> pendingHash = null;
        try {
            for (long index = 0; index < segments; index++) {
                int chunk = (int) Math.min(segmentSize, remaining);
                readFully(in, plain, chunk);
                filled += crypt(Cipher.ENCRYPT_MODE, index, index == segments - 1, plain, 0, chunk, batches[current], filled);
                remaining -= chunk;
                boolean batchFull = (index + 1) % perBatch == 0 || index == segments - 1;
                if (batchFull) {
                    // the previous batch must be hashed before this one enters the digest (order) and
                    // before its buffer is reused
                    awaitHash(pendingHash);
                    byte[] batch = batches[current];
                    int batchLength = filled;
                    out.write(batch, 0, batchLength);
                    if (segments <= perBatch) {
                        digest.update(batch, 0, batchLength);
                        pendingHash = null;
                    } else {
                        pendingHash = HASHER.submit(() -> digest.update(batch, 0, batchLength));
                    }
                    current ^= 1;
                    filled = 0;
                }
            }
            awaitHash(pendingHash);
            pendingHash = null;
        } finally {
            if (pendingHash != null) {
                pendingHash.cancel(false);
                awaitQuietly(pendingHash);
            }
        }
    }

    /** One daemon thread shared by all encryptions; hashing is short and strictly ordered per part. */
    private static final ExecutorService HASHER = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sealpost-segment-hasher");
        thread.setDaemon(true);
        return thread;
    });

    private static void awaitHash(Future<?> pending) throws IOException {
        if (pending == null) {
            return;
        }
        try {
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        } catch (ExecutionException e) {
            throw new IllegalStateException("hashing failed", e.getCause());
        }
    }

    private static void awaitQuietly(Future<?> pending) {
        try {
            pending.get();
        } catch (Exception ignored) {
            // only called while another failure is already propagating
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

    private int crypt(int mode, long index, boolean last, byte[] input, int offset, int length, byte[] output, int outputOffset) {
        try {
            cipher.init(mode, key, parameters(index, last));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(input, offset, length, output, outputOffset);
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
