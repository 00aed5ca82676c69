package dev.sealpost.crypto.merkle;

import dev.sealpost.crypto.internal.ByteWriter;
import dev.sealpost.crypto.Ed25519PublicJwk;

import java.nio.charset.StandardCharsets;
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
        if (rootHash == null || rootHash.length != MerkleHashes.HASH_LENGTH || treeSize < 0) {
            return false;
        }
        return Ed25519PublicJwk.parse(jwk).map(key -> key.verify(toBeSigned(treeSize, timestampMillis, rootHash), signature)).orElse(false);
    }
}
