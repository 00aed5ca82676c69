package dev.sealpost.crypto.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Verification of RFC 9162 inclusion proofs (§2.1.3.2) and consistency proofs (§2.1.4.2). A client
 * uses these to check that its own key is in the directory's log and that the log only ever grew,
 * so a directory that swaps a key for one user cannot hide it from everyone else.
 */
public final class MerkleProofs {

    /** A tree of 2^63 leaves needs at most 63 hashes; anything longer is hostile. */
    public static final int MAX_PROOF_LENGTH = 64;

    private MerkleProofs() {
    }

    public static boolean verifyInclusion(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] rootHash) {
        if (treeSize <= 0 || leafIndex < 0 || leafIndex >= treeSize || proof.size() > MAX_PROOF_LENGTH
                || !wellFormed(leafHash) || !wellFormed(rootHash)) {
            return false;
        }
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (!wellFormed(p) || sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleHashes.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = MerkleHashes.nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, rootHash);
    }

    public static boolean verifyConsistency(long firstSize, long secondSize, byte[] firstRoot, byte[] secondRoot,
            List<byte[]> proof) {
        if (firstSize <= 0 || secondSize < firstSize || proof.size() > MAX_PROOF_LENGTH
                || !wellFormed(firstRoot) || !wellFormed(secondRoot)) {
            return false;
        }
        if (firstSize == secondSize) {
            return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
        }
        if (proof.isEmpty()) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof.size() + 1);
        if (Long.bitCount(firstSize) == 1) {
            path.add(firstRoot);
        }
        path.addAll(proof);
        long fn = firstSize - 1;
        long sn = secondSize - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        if (!wellFormed(path.get(0))) {
            return false;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (!wellFormed(c) || sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = MerkleHashes.nodeHash(c, fr);
                sr = MerkleHashes.nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = MerkleHashes.nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
    }

    private static boolean wellFormed(byte[] hash) {
        return hash != null && hash.length == MerkleHashes.HASH_LENGTH;
    }
}
