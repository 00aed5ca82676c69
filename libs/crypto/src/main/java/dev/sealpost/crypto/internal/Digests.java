package dev.sealpost.crypto.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 from the JDK (hardware-accelerated where the CPU has SHA extensions). */
public final class Digests {

    private Digests() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** SHA-256 of {@code length} bytes of {@code data} from {@code offset}, without copying them. */
    public static byte[] sha256(byte[] data, int offset, int length) {
        MessageDigest digest = sha256();
        digest.update(data, offset, length);
        return digest.digest();
    }

    public static byte[] sha256(byte[]... chunks) {
        MessageDigest digest = sha256();
        for (byte[] chunk : chunks) {
            digest.update(chunk);
        }
        return digest.digest();
    }
}
