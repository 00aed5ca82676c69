package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.Randomness;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.pqc.crypto.xwing.XWingKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.xwing.XWingKeyPairGenerator;
import org.bouncycastle.pqc.crypto.xwing.XWingPrivateKeyParameters;

/**
 * An X-Wing key pair (draft-connolly-cfrg-xwing-kem, 32-byte seed as private key). Lives only on
 * clients; the server sees the public half.
 */
final class EncryptionKeyPair {

    public static final int SEED_LENGTH = 32;

    private final XWingPrivateKeyParameters privateKey;
    private final EncryptionPublicKey publicKey;

    private EncryptionKeyPair(XWingPrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = EncryptionPublicKey.of(privateKey.getPublicKeyParameters());
    }

    public static EncryptionKeyPair generate() {
        XWingKeyPairGenerator generator = new XWingKeyPairGenerator();
        generator.init(new XWingKeyGenerationParameters(Randomness.secureRandom()));
        return new EncryptionKeyPair((XWingPrivateKeyParameters) generator.generateKeyPair().getPrivate());
    }

    static EncryptionKeyPair fromSeed(byte[] seed) throws CryptoException.Malformed {
        if (seed.length != SEED_LENGTH) {
            throw new CryptoException.Malformed("an X-Wing seed has " + SEED_LENGTH + " bytes");
        }
        return new EncryptionKeyPair(new XWingPrivateKeyParameters(seed.clone()));
    }

    public EncryptionPublicKey publicKey() {
        return publicKey;
    }

    byte[] seed() {
        return privateKey.getSeed();
    }

    AsymmetricCipherKeyPair hpkeKeyPair() {
        return new AsymmetricCipherKeyPair(privateKey.getPublicKeyParameters(), privateKey);
    }
}
