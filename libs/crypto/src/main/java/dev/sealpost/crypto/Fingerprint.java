package dev.sealpost.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/** SHA-256 of a public bundle's canonical encoding: how users, envelopes and the directory name a key. */
public final class Fingerprint {

    public static final int LENGTH = 32;

    private final byte[] value;

    private Fingerprint(byte[] value) {
        this.value = value;
    }

    public static Fingerprint of(byte[] value) {
        if (value.length != LENGTH) {
            throw new IllegalArgumentException("a fingerprint has " + LENGTH + " bytes");
        }
        return new Fingerprint(value.clone());
    }

    public static Fingerprint fromHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    public byte[] toBytes() {
        return value.clone();
    }

    public String toHex() {
        return HexFormat.of().formatHex(value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Fingerprint that && MessageDigest.isEqual(value, that.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
