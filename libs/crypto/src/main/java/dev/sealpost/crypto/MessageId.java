package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.Randomness;

import java.util.Arrays;
import java.util.HexFormat;

/** A message's id in its signed manifest: 128 random bits, shown as 32 lowercase hex digits. Threads refer to it. */
public final class MessageId {

    public static final int LENGTH = 16;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private MessageId(byte[] bytes) {
        this.bytes = bytes;
    }

    static MessageId random() {
        return new MessageId(Randomness.bytes(LENGTH));
    }

    static MessageId of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a message id has " + LENGTH + " bytes");
        }
        return new MessageId(bytes.clone());
    }

    /** Parses the 32-hex-digit form; refuses anything else. */
    public static MessageId parse(String hex) throws CryptoException.Malformed {
        if (hex == null || hex.length() != 2 * LENGTH || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new CryptoException.Malformed("a message id is 32 lowercase hex digits");
        }
        return new MessageId(HEX.parseHex(hex));
    }

    byte[] toBytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageId id && Arrays.equals(bytes, id.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HEX.formatHex(bytes);
    }
}
