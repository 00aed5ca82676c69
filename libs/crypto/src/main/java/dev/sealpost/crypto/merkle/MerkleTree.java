package dev.sealpost.crypto.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only RFC 9162 Merkle tree over leaf hashes, for the side that serves proofs (the key
 * directory). Hashes of complete, aligned subtrees are kept per level, so a root, an inclusion proof
 * (PATH, §2.1.3.1) or a consistency proof (PROOF, §2.1.4.1) for any earlier size costs O(log n)
 * node hashes. Clients verify with {@link MerkleProofs}. Thread-safe.
 */
public final class MerkleTree {

    /** levels.get(j).get(i) = hash of leaves [i·2^j, (i+1)·2^j) */
    private final List<List<byte[]>> levels = new ArrayList<>();

    public MerkleTree() {
        levels.add(new ArrayList<>());
    }

    public synchronized long size() {
        return levels.get(0).size();
    }

    /** Appends a leaf hash ({@link MerkleHashes#leafHash}); returns its index. */
    public synchronized long append(byte[] leafHash) {
        if (leafHash.length != MerkleHashes.HASH_LENGTH) {
            throw new IllegalArgumentException("a leaf hash is 32 bytes");
        }
        List<byte[]> level = levels.get(0);
        level.add(leafHash.clone());
        long index = level.size() - 1;
        // complete every subtree the new leaf closes
        for (int j = 0; levels.get(j).size() % 2 == 0; j++) {
            List<byte[]> current = levels.get(j);
            if (levels.size() == j + 1) {
                levels.add(new ArrayList<>());
            }
            byte[] parent = MerkleHashes.nodeHash(current.get(current.size() - 2), current.get(current.size() - 1));
            levels.get(j + 1).add(parent);
        }
        return index;
    }

    /** MTH of the first {@code treeSize} leaves. */
    public synchronized byte[] root(long treeSize) {
        checkSize(treeSize);
        return treeSize == 0 ? MerkleHashes.emptyRoot() : hash(0, treeSize);
    }

    /**
     * The root the tree would have with {@code leafHash} appended, without appending it: the log
     * signs the next tree head inside a transaction and grows the tree only after the commit.
     */
    public synchronized byte[] rootWithAppended(byte[] leafHash) {
        if (leafHash.length != MerkleHashes.HASH_LENGTH) {
            throw new IllegalArgumentException("a leaf hash is 32 bytes");
        }
        return hashWith(0, size() + 1, leafHash);
    }

    /** PATH(leafIndex, D[treeSize]): the audit path, leaf side first. */
    public synchronized List<byte[]> inclusionProof(long leafIndex, long treeSize) {
        checkSize(treeSize);
        if (leafIndex < 0 || leafIndex >= treeSize) {
            throw new IllegalArgumentException("leaf index outside the tree");
        }
        List<byte[]> proof = new ArrayList<>();
        path(leafIndex, 0, treeSize, proof);
        return proof;
    }

    /** PROOF(firstSize, D[secondSize]). */
    public synchronized List<byte[]> consistencyProof(long firstSize, long secondSize) {
        checkSize(secondSize);
        if (firstSize <= 0 || firstSize > secondSize) {
            throw new IllegalArgumentException("0 < first size <= second size");
        }
        List<byte[]> proof = new ArrayList<>();
        if (firstSize < secondSize) {
            subproof(firstSize, 0, secondSize, true, proof);
        }
        return proof;
    }

    private void checkSize(long treeSize) {
        if (treeSize < 0 || treeSize > size()) {
            throw new IllegalArgumentException("tree size " + treeSize + " is larger than the log (" + size() + ")");
        }
    }

    private void path(long m, long start, long n, List<byte[]> proof) {
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, start, k, proof);
            proof.add(hash(start + k, n - k));
        } else {
            path(m - k, start + k, n - k, proof);
            proof.add(hash(start, k));
        }
    }

    private void subproof(long m, long start, long n, boolean complete, List<byte[]> proof) {
        if (m == n) {
            if (!complete) {
                proof.add(hash(start, n));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, start, k, complete, proof);
            proof.add(hash(start + k, n - k));
        } else {
            subproof(m - k, start + k, n - k, false, proof);
            proof.add(hash(start, k));
        }
    }

    /** MTH of leaves [start, start + n), n ≥ 1. */
    private byte[] hash(long start, long n) {
        if (Long.bitCount(n) == 1 && start % n == 0) {
            int level = Long.numberOfTrailingZeros(n);
            return levels.get(level).get((int) (start / n));
        }
        long k = largestPowerOfTwoBelow(n);
        return MerkleHashes.nodeHash(hash(start, k), hash(start + k, n - k));
    }

    /** MTH of leaves [start, start + n) of the tree extended by one leaf, {@code extra}, at index size(). */
    private byte[] hashWith(long start, long n, byte[] extra) {
        if (start + n <= size()) {
            return hash(start, n);
        }
        if (n == 1) {
            return extra.clone();
        }
        long k = largestPowerOfTwoBelow(n);
        return MerkleHashes.nodeHash(hashWith(start, k, extra), hashWith(start + k, n - k, extra));
    }

    /** The largest power of two smaller than n (n ≥ 2). */
    private static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }
}
