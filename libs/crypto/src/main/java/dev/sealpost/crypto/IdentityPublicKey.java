package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.ByteReader;
import dev.sealpost.crypto.internal.ByteWriter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.MLDSAParameters;
import org.bouncycastle.crypto.params.MLDSAPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithContext;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.MLDSASigner;

import java.security.MessageDigest;

/** The public half of an identity: Ed25519 (32 bytes) and ML-DSA-65 (1952 bytes). */
final class IdentityPublicKey {

    static final int ED25519_LENGTH = 32;
    static final int ML_DSA_65_LENGTH = 1952;

    private final byte[] ed25519;
    private final byte[] mlDsa65;

    IdentityPublicKey(byte[] ed25519, byte[] mlDsa65) {
        this.ed25519 = ed25519;
        this.mlDsa65 = mlDsa65;
    }

    /**
     * True only if both signatures verify over {@code message} for {@code purpose}. Both are always
     * checked, so the time taken does not tell which one failed.
     */
    public boolean verify(SignaturePurpose purpose, byte[] message, HybridSignature signature) {
        byte[] label = purpose.label();
        Ed25519Signer ed = new Ed25519Signer();
        ed.init(false, new Ed25519PublicKeyParameters(ed25519));
        ed.update(label, 0, label.length);
        ed.update((byte) 0);
        ed.update(message, 0, message.length);
        boolean edValid = ed.verifySignature(signature.ed25519());

        MLDSASigner ml = new MLDSASigner();
        ml.init(false, new ParametersWithContext(new MLDSAPublicKeyParameters(MLDSAParameters.ml_dsa_65, mlDsa65), label));
        ml.update(message, 0, message.length);
        boolean mlValid = ml.verifySignature(signature.mlDsa65());
        return edValid & mlValid;
    }

    void writeTo(ByteWriter writer) {
        writer.u16(ed25519.length).bytes(ed25519).u16(mlDsa65.length).bytes(mlDsa65);
    }

    static IdentityPublicKey read(ByteReader reader) throws CryptoException.Malformed, ByteReader.TruncatedException {
        if (reader.u16() != ED25519_LENGTH) {
            throw new CryptoException.Malformed("Ed25519 public key length");
        }
        byte[] ed = reader.bytes(ED25519_LENGTH);
        if (reader.u16() != ML_DSA_65_LENGTH) {
            throw new CryptoException.Malformed("ML-DSA-65 public key length");
        }
        byte[] ml = reader.bytes(ML_DSA_65_LENGTH);
        if (!dev.sealpost.crypto.internal.PublicKeyChecks.ed25519Valid(ed)) {
            throw new CryptoException.Malformed("the Ed25519 public key is not a point of prime order");
        }
        try {
            // Bouncy Castle checks the Ed25519 point here; an invalid one is malformed input, not a crash
            new Ed25519PublicKeyParameters(ed);
            new MLDSAPublicKeyParameters(MLDSAParameters.ml_dsa_65, ml);
        } catch (IllegalArgumentException e) {
            throw new CryptoException.Malformed("invalid identity public key");
        }
        return new IdentityPublicKey(ed, ml);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IdentityPublicKey that
                && MessageDigest.isEqual(ed25519, that.ed25519) && MessageDigest.isEqual(mlDsa65, that.mlDsa65);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(ed25519);
    }
}
