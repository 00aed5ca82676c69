package dev.sealpost.crypto.internal;

import java.security.SecureRandom;

/** The one source of randomness for keys, content keys and salts. */
public final class Randomness {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Randomness() {
    }

    public static SecureRandom secureRandom() {
        return RANDOM;
    }

    public static byte[] bytes(int length) {
        byte[] out = new byte[length];
        RANDOM.nextBytes(out);
        return out;
    }
}
