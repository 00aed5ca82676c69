package dev.sealpost.crypto.merkle;

import dev.sealpost.crypto.internal.Digests;

import java.security.MessageDigest;

/** RFC 9162 §2.1.1 Merkle tree hashing with SHA-256: distinct prefixes for leaves and nodes. */
final class MerkleHashes {

    public static final int HASH_LENGTH = 32;

    private MerkleHashes() {
    }

    /** MTH({}) = SHA-256() */
    public static byte[] emptyRoot() {
        return Digests.sha256().digest();
    }

    /** SHA-256(0x00 || leaf) */
    public static byte[] leafHash(byte[] leaf) {
        MessageDigest digest = Digests.sha256();
        digest.update((byte) 0x00);
        digest.update(leaf);
        return digest.digest();
    }

    /** SHA-256(0x01 || left || right) */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest digest = Digests.sha256();
        digest.update((byte) 0x01);
        digest.update(left);
        digest.update(right);
        return digest.digest();
    }
}
