package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.PublicKeyChecks;
import org.bouncycastle.pqc.crypto.xwing.XWingPublicKeyParameters;

import java.security.MessageDigest;
import java.util.Arrays;

/** An X-Wing (X25519 + ML-KEM-768) public key, 1216 bytes: what senders encrypt content keys to. */
final class EncryptionPublicKey {

    public static final int LENGTH = 1216;

    private final byte[] encoded;

    private EncryptionPublicKey(byte[] encoded) {
        this.encoded = encoded;
    }

    public static EncryptionPublicKey fromBytes(byte[] encoded) throws CryptoException.Malformed {
        if (encoded.length != LENGTH) {
            throw new CryptoException.Malformed("an X-Wing public key has " + LENGTH + " bytes");
        }
        // X-Wing's public key is the ML-KEM-768 encapsulation key, then the X25519 key
        if (!PublicKeyChecks.mlKem768EncapsulationKeyValid(encoded, 0)) {
            throw new CryptoException.Malformed("the ML-KEM-768 key fails the FIPS 203 modulus check");
        }
        if (!PublicKeyChecks.x25519NotOfSmallOrder(encoded, PublicKeyChecks.ML_KEM_768_ENCAPSULATION_KEY_LENGTH)) {
            throw new CryptoException.Malformed("the X25519 key is of small order");
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
