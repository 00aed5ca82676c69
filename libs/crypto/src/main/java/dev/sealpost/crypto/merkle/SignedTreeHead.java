package dev.sealpost.crypto.merkle;

import dev.sealpost.crypto.internal.ByteWriter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The key directory's signed statement "the log had {@code treeSize} entries with root {@code rootHash}
 * at {@code timestampMillis}". Signed with Ed25519 by the directory signing key, published as a JWK
 * (RFC 8037: kty OKP, crv Ed25519).
 *
 * <pre>signed bytes = "sealpost/v1/tree-head" || 0x00 || u64 tree_size || u64 timestamp_ms || root_hash (32)</pre>
 */
public record SignedTreeHead(long treeSize, long timestampMillis, byte[] rootHash, byte[] signature) {

    private static final byte[] LABEL = "sealpost/v1/tree-head".getBytes(StandardCharsets.US_ASCII);

    public static byte[] toBeSigned(long treeSize, long timestampMillis, byte[] rootHash) {
        if (rootHash.length != MerkleHashes.HASH_LENGTH || treeSize < 0) {
            throw new IllegalArgumentException("tree size and a 32-byte root hash");
        }
        return new ByteWriter(LABEL.length + 1 + 16 + 32).bytes(LABEL).u8(0)
                .u64(treeSize).u64(timestampMillis).bytes(rootHash).toByteArray();
    }

    /**
     * True only if {@code jwk} is an Ed25519 signing key (kty OKP, crv Ed25519; alg EdDSA and use sig
     * when present) and the signature verifies. Any other key type is refused rather than guessed.
     */
    public boolean verify(Map<String, String> jwk) {
        if (!"OKP".equals(jwk.get("kty")) || !"Ed25519".equals(jwk.get("crv"))) {
            return false;
        }
        if (jwk.containsKey("alg") && !"EdDSA".equals(jwk.get("alg")) && !"Ed25519".equals(jwk.get("alg"))) {
            return false;
        }
        if (jwk.containsKey("use") && !"sig".equals(jwk.get("use"))) {
            return false;
        }
        if (jwk.containsKey("d")) {
            return false; // a private JWK has no business here; refuse rather than risk leaking it further
        }
        byte[] x;
        try {
            x = Base64.getUrlDecoder().decode(jwk.getOrDefault("x", ""));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (x.length != Ed25519PublicKeyParameters.KEY_SIZE || signature == null || signature.length != 64
                || rootHash == null || rootHash.length != MerkleHashes.HASH_LENGTH || treeSize < 0) {
            return false;
        }
        byte[] message = toBeSigned(treeSize, timestampMillis, rootHash);
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(x));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }
}
