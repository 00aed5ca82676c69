package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.ByteReader;
import dev.sealpost.crypto.internal.ByteWriter;

/** An Ed25519 signature and an ML-DSA-65 signature over the same message; valid only if both are. */
final class HybridSignature {

    static final int ED25519_LENGTH = 64;
    static final int ML_DSA_65_LENGTH = 3309;
    /** Encoded size: two u16 length prefixes and both signatures. */
    public static final int ENCODED_LENGTH = 2 + ED25519_LENGTH + 2 + ML_DSA_65_LENGTH;

    private final byte[] ed25519;
    private final byte[] mlDsa65;

    HybridSignature(byte[] ed25519, byte[] mlDsa65) {
        this.ed25519 = ed25519;
        this.mlDsa65 = mlDsa65;
    }

    byte[] ed25519() {
        return ed25519;
    }

    byte[] mlDsa65() {
        return mlDsa65;
    }

    public byte[] toBytes() {
        return new ByteWriter(ENCODED_LENGTH)
                .u16(ed25519.length).bytes(ed25519)
                .u16(mlDsa65.length).bytes(mlDsa65)
                .toByteArray();
    }

    public static HybridSignature fromBytes(byte[] encoded) throws CryptoException.Malformed {
        ByteReader reader = new ByteReader(encoded);
        HybridSignature signature = read(reader);
        if (reader.remaining() != 0) {
            throw new CryptoException.Malformed("trailing bytes after the signature");
        }
        return signature;
    }

    static HybridSignature read(ByteReader reader) throws CryptoException.Malformed {
        try {
            if (reader.u16() != ED25519_LENGTH) {
                throw new CryptoException.Malformed("Ed25519 signature length");
            }
            byte[] ed = reader.bytes(ED25519_LENGTH);
            if (reader.u16() != ML_DSA_65_LENGTH) {
                throw new CryptoException.Malformed("ML-DSA-65 signature length");
            }
            return new HybridSignature(ed, reader.bytes(ML_DSA_65_LENGTH));
        } catch (ByteReader.TruncatedException e) {
            throw new CryptoException.Malformed("truncated signature");
        }
    }
}
