package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.Randomness;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.generators.MLDSAKeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.MLDSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithContext;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.MLDSASigner;

/**
 * A hybrid signing identity: Ed25519 and ML-DSA-65 (FIPS 204) sign every message together, so a
 * signature stays unforgeable as long as either algorithm holds.
 */
final class IdentityKeyPair {

    public static final int SEED_LENGTH = 32;

    private final Ed25519PrivateKeyParameters ed25519;
    private final MLDSAPrivateKeyParameters mlDsa65;
    private final IdentityPublicKey publicKey;

    private IdentityKeyPair(Ed25519PrivateKeyParameters ed25519, MLDSAPrivateKeyParameters mlDsa65) {
        this.ed25519 = ed25519;
        this.mlDsa65 = mlDsa65;
        this.publicKey = new IdentityPublicKey(ed25519.generatePublicKey().getEncoded(),
                mlDsa65.getPublicKeyParameters().getEncoded());
    }

    public static IdentityKeyPair generate() {
        MLDSAKeyPairGenerator generator = new MLDSAKeyPairGenerator();
        generator.init(new MLDSAKeyGenerationParameters(Randomness.secureRandom(), MLDSAParameters.ml_dsa_65));
        return new IdentityKeyPair(new Ed25519PrivateKeyParameters(Randomness.secureRandom()),
                (MLDSAPrivateKeyParameters) generator.generateKeyPair().getPrivate());
    }

    static IdentityKeyPair fromSeeds(byte[] ed25519Seed, byte[] mlDsaSeed) throws dev.sealpost.crypto.CryptoException.Malformed {
        if (ed25519Seed.length != SEED_LENGTH || mlDsaSeed.length != SEED_LENGTH) {
            throw new dev.sealpost.crypto.CryptoException.Malformed("identity seeds have " + SEED_LENGTH + " bytes");
        }
        return new IdentityKeyPair(new Ed25519PrivateKeyParameters(ed25519Seed, 0),
                new MLDSAPrivateKeyParameters(MLDSAParameters.ml_dsa_65, mlDsaSeed));
    }

    public IdentityPublicKey publicKey() {
        return publicKey;
    }

    public HybridSignature sign(SignaturePurpose purpose, byte[] message) {
        return sign(purpose, message, Randomness.secureRandom());
    }

    /** With the ML-DSA randomness from {@code random} (FIPS 204's hedged signing); the test vectors fix it. */
    HybridSignature sign(SignaturePurpose purpose, byte[] message, java.security.SecureRandom random) {
        byte[] label = purpose.label();
        Ed25519Signer ed = new Ed25519Signer();
        ed.init(true, ed25519);
        ed.update(label, 0, label.length);
        ed.update((byte) 0);
        ed.update(message, 0, message.length);

        MLDSASigner ml = new MLDSASigner();
        ml.init(true, new ParametersWithContext(new ParametersWithRandom(mlDsa65, random), label));
        ml.update(message, 0, message.length);
        try {
            return new HybridSignature(ed.generateSignature(), ml.generateSignature());
        } catch (CryptoException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    byte[] ed25519Seed() {
        return ed25519.getEncoded();
    }

    byte[] mlDsaSeed() {
        return mlDsa65.getSeed();
    }
}
