package dev.sealpost.crypto.internal;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>The digest of a part that the sender signs is SHA-256 over the SHA-256 of each sealed segment
 * ({@link #partDigest}). Hashing segment by segment rather than the part as one stream lets the
 * segments of a batch be encrypted and hashed on all cores at once: SHA-256 costs more per byte
 * than AES-GCM here, and a single sequential hash capped sealing at about half the AES-GCM rate.
 */
public final class SegmentedAead {

    public static final int TAG_LENGTH = 16;
    public static final int HASH_LENGTH = 32;

    /** Plaintext read and sealed per batch; the segments of one batch are spread over the cores. */
    private static final int BATCH_BYTES = 1024 * 1024;
    private static final int WORKERS = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    /** Daemon helpers shared by all encryptions; the calling thread always takes one slice itself. */
    private static final ExecutorService HELPERS = WORKERS == 1 ? null : Executors.newFixedThreadPool(WORKERS - 1, runnable -> {
        Thread thread = new Thread(runnable, "sealpost-segment-sealer");
        thread.setDaemon(true);
        return thread;
    });

    private final SecretKeySpec key;
    private final byte[] associatedData;
    private final int segmentSize;
    /** One cipher and one digest per worker slot; a slot is used by one thread at a time. */
    private final Cipher[] ciphers = new Cipher[WORKERS];
    private final MessageDigest[] digests = new MessageDigest[WORKERS];

    public SegmentedAead(byte[] key, byte[] associatedData, int segmentSize) {
        this.key = new SecretKeySpec(key, "AES");
        this.associatedData = associatedData;
        this.segmentSize = segmentSize;
    }

    /** Number of segments of a part: at least one, so an empty part still carries a tag. */
    public static long segmentCount(long plaintextLength, int segmentSize) {
        return Math.max(1, (plaintextLength + segmentSize - 1) / segmentSize);
    }

    /** The signed digest of a part: SHA-256 over its segments' hashes, in order. */
    public static byte[] partDigest(List<byte[]> segmentHashes) {
        MessageDigest digest = Digests.sha256();
        segmentHashes.forEach(digest::update);
        return digest.digest();
    }

    /**
     * Encrypts exactly {@code length} bytes from {@code in} and writes the ciphertext to {@code out}.
     * Returns the part digest ({@link #partDigest}) of what was written.
     */
    public byte[] encrypt(InputStream in, long length, OutputStream out) throws IOException {
        byte[] buffer = new byte[(int) Math.min((long) batchSegments(length) * segmentSize, length)];
        return encryptBatches(length, out, (batchOffset, batchLength) -> {
            readFully(in, buffer, batchLength);
            return 0;
        }, buffer);
    }

    /** Encrypts a part already in memory, reading it in place (no copy of the plaintext). */
    public byte[] encrypt(byte[] plaintext, OutputStream out) throws IOException {
        return encryptBatches(plaintext.length, out, (batchOffset, batchLength) -> (int) batchOffset, plaintext);
    }

    /** Where a batch's plaintext is: fills it if needed and returns its offset in the plaintext array. */
    @FunctionalInterface
    private interface BatchSource {
        int fill(long batchOffset, int batchLength) throws IOException;
    }

    private int batchSegments(long length) {
        return (int) Math.min(Math.max(1, BATCH_BYTES / segmentSize), segmentCount(length, segmentSize));
    }

    private byte[] encryptBatches(long length, OutputStream out, BatchSource source, byte[] plain) throws IOException {
        long segments = segmentCount(length, segmentSize);
        int perBatch = batchSegments(length);
        int plainCapacity = (int) Math.min((long) perBatch * segmentSize, length);
        byte[] sealed = new byte[plainCapacity + perBatch * TAG_LENGTH];
        byte[] hashes = new byte[perBatch * HASH_LENGTH];
        MessageDigest partDigest = Digests.sha256();
        long remaining = length;
        for (long first = 0; first < segments; ) {
            int count = (int) Math.min(perBatch, segments - first);
            int batchPlain = (int) Math.min((long) count * segmentSize, remaining);
            int base = source.fill(length - remaining, batchPlain);
            long firstIndex = first;
            inParallel(count, (slot, from, to) -> {
                for (int s = from; s < to; s++) {
                    int plainOffset = s * segmentSize;
                    int chunk = Math.min(segmentSize, batchPlain - plainOffset);
                    int sealedOffset = s * (segmentSize + TAG_LENGTH);
                    long index = firstIndex + s;
                    int written = crypt(slot, Cipher.ENCRYPT_MODE, index, index == segments - 1,
                            plain, base + plainOffset, chunk, sealed, sealedOffset);
                    hashInto(slot, sealed, sealedOffset, written, hashes, s * HASH_LENGTH);
                }
            });
            out.write(sealed, 0, batchPlain + count * TAG_LENGTH);
            partDigest.update(hashes, 0, count * HASH_LENGTH);
            remaining -= batchPlain;
            first += count;
        }
        return partDigest.digest();
    }

    /** The hash of each sealed segment of a part held in memory at {@code offset}. */
    public static List<byte[]> segmentHashes(byte[] ciphertext, int offset, long plaintextLength, int segmentSize) {
        long segments = segmentCount(plaintextLength, segmentSize);
        List<byte[]> hashes = new ArrayList<>((int) segments);
        MessageDigest digest = Digests.sha256();
        int position = offset;
        long remaining = plaintextLength;
        for (long index = 0; index < segments; index++) {
            int sealedLength = (int) Math.min(segmentSize, remaining) + TAG_LENGTH;
            digest.update(ciphertext, position, sealedLength);
            hashes.add(digest.digest());
            position += sealedLength;
            remaining -= sealedLength - TAG_LENGTH;
        }
        return hashes;
    }

    /**
     * Decrypts a whole part held in {@code ciphertext} at {@code offset} into {@code plaintext}.
     * Throws on the first segment that fails; the caller discards any output then.
     */
    public void decrypt(byte[] ciphertext, int offset, long plaintextLength, byte[] plaintext) throws AEADBadTagException {
        long segments = segmentCount(plaintextLength, segmentSize);
        int in = offset;
        int out = 0;
        for (long index = 0; index < segments; index++) {
            int chunk = (int) Math.min(segmentSize, plaintextLength - out);
            out += decryptSegment(index, index == segments - 1, ciphertext, in, chunk + TAG_LENGTH, plaintext, out);
            in += chunk + TAG_LENGTH;
        }
    }

    /** Decrypts one sealed segment; for callers that read segments one at a time (files). */
    public int decryptSegment(long index, boolean last, byte[] sealed, int offset, int sealedLength, byte[] plaintext,
            int plaintextOffset) throws AEADBadTagException {
        try {
            Cipher cipher = cipher(0);
            cipher.init(Cipher.DECRYPT_MODE, key, parameters(index, last));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed, offset, sealedLength, plaintext, plaintextOffset);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private int crypt(int slot, int mode, long index, boolean last, byte[] input, int offset, int length, byte[] output,
            int outputOffset) {
        try {
            Cipher cipher = cipher(slot);
            cipher.init(mode, key, parameters(index, last));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(input, offset, length, output, outputOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private void hashInto(int slot, byte[] data, int offset, int length, byte[] hashes, int hashOffset) {
        MessageDigest digest = digests[slot];
        if (digest == null) {
            digest = Digests.sha256();
            digests[slot] = digest;
        }
        digest.update(data, offset, length);
        try {
            digest.digest(hashes, hashOffset, HASH_LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 failed", e);
        }
    }

    private Cipher cipher(int slot) {
        Cipher cipher = ciphers[slot];
        if (cipher == null) {
            try {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every Java runtime has AES/GCM", e);
            }
            ciphers[slot] = cipher;
        }
        return cipher;
    }

    private static GCMParameterSpec parameters(long index, boolean last) {
        if (index > 0xffffffffL) {
            throw new IllegalStateException("too many segments");
        }
        byte[] nonce = new byte[12];
        nonce[7] = (byte) (index >>> 24);
        nonce[8] = (byte) (index >>> 16);
        nonce[9] = (byte) (index >>> 8);
        nonce[10] = (byte) index;
        nonce[11] = (byte) (last ? 1 : 0);
        return new GCMParameterSpec(TAG_LENGTH * 8, nonce);
    }

    @FunctionalInterface
    private interface Slice {
        void run(int slot, int from, int to);
    }

    /** Splits {@code count} segments into contiguous slices, one per worker slot, and waits for all. */
    private static void inParallel(int count, Slice slice) throws IOException {
        int slots = Math.min(WORKERS, count);
        if (slots == 1) {
            slice.run(0, 0, count);
            return;
        }
        List<Future<?>> helpers = new ArrayList<>(slots - 1);
        for (int slot = 1; slot < slots; slot++) {
            int from = count * slot / slots;
            int to = count * (slot + 1) / slots;
            int helperSlot = slot;
            helpers.add(HELPERS.submit(() -> slice.run(helperSlot, from, to)));
        }
        RuntimeException failure = null;
        try {
            slice.run(0, 0, count / slots);
        } catch (RuntimeException e) {
            failure = e;
        }
        // wait for every helper even after a failure: they write into buffers the caller reuses
        boolean interrupted = false;
        for (Future<?> helper : helpers) {
            while (true) {
                try {
                    helper.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException runtime ? runtime
                                : new IllegalStateException("segment sealing failed", e.getCause());
                    }
                    break;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sealing");
        }
    }

    public static void readFully(InputStream in, byte[] buffer, int length) throws IOException {
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
