package dev.sealpost.crypto;

import org.bouncycastle.pqc.crypto.xwing.XWingPublicKeyParameters;

import java.security.MessageDigest;
import java.util.Arrays;

/** An X-Wing (X25519 + ML-KEM-768) public key, 1216 bytes: what senders encrypt content keys to. */
public final class EncryptionPublicKey {

    public static final int LENGTH = 1216;

    private final byte[] encoded;

    private EncryptionPublicKey(byte[] encoded) {
        this.encoded = encoded;
    }

    public static EncryptionPublicKey fromBytes(byte[] encoded) throws CryptoException.Malformed {
        if (encoded.length != LENGTH) {
            throw new CryptoException.Malformed("an X-Wing public key has " + LENGTH + " bytes");
        }
        return new EncryptionPublicKey(encoded.clone());
    }

    static EncryptionPublicKey of(XWingPublicKeyParameters parameters) {
        return new EncryptionPublicKey(parameters.getEncoded());
    }

    public byte[] toBytes() {
        return encoded.clone();
    }

    XWingPublicKeyParameters parameters() {
        return new XWingPublicKeyParameters(encoded);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EncryptionPublicKey that && MessageDigest.isEqual(encoded, that.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }
}
