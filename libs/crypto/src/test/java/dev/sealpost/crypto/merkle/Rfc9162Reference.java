package dev.sealpost.crypto.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * The Merkle tree hash, inclusion path and consistency subproof written straight from their
 * recursive definitions in RFC 9162 — slow and obviously right — to hold the real implementations to.
 */
final class Rfc9162Reference {

    private Rfc9162Reference() {
    }

    private static int largestPowerOfTwoBelow(int n) {
        int k = 1;
        while (k << 1 < n) {
            k <<= 1;
        }
        return k;
    }

    /** MTH(D[n]) of RFC 9162 §2.1.1. */
    static byte[] mth(List<byte[]> d) {
        if (d.isEmpty()) {
            return MerkleHashes.emptyRoot();
        }
        if (d.size() == 1) {
            return MerkleHashes.leafHash(d.get(0));
        }
        int k = largestPowerOfTwoBelow(d.size());
        return MerkleHashes.nodeHash(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    /** PATH(m, D[n]) of §2.1.3.1. */
    static List<byte[]> path(int m, List<byte[]> d) {
        List<byte[]> out = new ArrayList<>();
        if (d.size() <= 1) {
            return out;
        }
        int k = largestPowerOfTwoBelow(d.size());
        if (m < k) {
            out.addAll(path(m, d.subList(0, k)));
            out.add(mth(d.subList(k, d.size())));
        } else {
            out.addAll(path(m - k, d.subList(k, d.size())));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    /** SUBPROOF(m, D[n], b) of §2.1.4.1. */
    static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
        List<byte[]> out = new ArrayList<>();
        int n = d.size();
        if (m == n) {
            if (!b) {
                out.add(mth(d));
            }
            return out;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            out.addAll(subproof(m, d.subList(0, k), b));
            out.add(mth(d.subList(k, n)));
        } else {
            out.addAll(subproof(m - k, d.subList(k, n), false));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }
}
