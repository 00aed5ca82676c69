package dev.sealpost.crypto.merkle;

import dev.sealpost.crypto.Fingerprint;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serving side's tree gives exactly the RFC's roots and proofs, for every earlier size too. */
class MerkleTreeTest {

    @Test
    void rootsAndProofsMatchTheRfcDefinitionsForEverySizeUpTo64() {
        MerkleTree tree = new MerkleTree();
        List<byte[]> data = new ArrayList<>();
        assertArrayEquals(MerkleHashes.emptyRoot(), tree.root(0));
        for (int i = 0; i < 64; i++) {
            byte[] leaf = ("leaf " + i).getBytes(StandardCharsets.UTF_8);
            data.add(leaf);
            byte[] expectedNextRoot = Rfc9162Reference.mth(data);
            assertArrayEquals(expectedNextRoot, tree.rootWithAppended(MerkleHashes.leafHash(leaf)), "next root i=" + i);
            assertEquals(i, tree.append(MerkleHashes.leafHash(leaf)));
        }
        for (int n = 1; n <= 64; n++) {
            List<byte[]> d = data.subList(0, n);
            byte[] root = Rfc9162Reference.mth(d);
            assertArrayEquals(root, tree.root(n), "root n=" + n);
            for (int m = 0; m < n; m++) {
                assertProofEquals(Rfc9162Reference.path(m, d), tree.inclusionProof(m, n));
                assertTrue(MerkleProofs.verifyInclusion(m, n, MerkleHashes.leafHash(d.get(m)), tree.inclusionProof(m, n), root));
            }
            for (int m = 1; m <= n; m++) {
                List<byte[]> proof = tree.consistencyProof(m, n);
                assertProofEquals(m == n ? List.of() : Rfc9162Reference.subproof(m, d, true), proof);
                assertTrue(MerkleProofs.verifyConsistency(m, n, tree.root(m), root, proof), "m=" + m + " n=" + n);
            }
        }
    }

    @Test
    void sizesBeyondTheLogAreRefused() {
        MerkleTree tree = new MerkleTree();
        tree.append(MerkleHashes.leafHash(new byte[] {1}));
        assertThrows(IllegalArgumentException.class, () -> tree.root(2));
        assertThrows(IllegalArgumentException.class, () -> tree.inclusionProof(1, 1));
        assertThrows(IllegalArgumentException.class, () -> tree.consistencyProof(0, 1));
    }

    @Test
    void aDirectoryLeafBindsEveryField() {
        Fingerprint fingerprint = Fingerprint.of(new byte[32]);
        DirectoryLeaf leaf = new DirectoryLeaf("bob@sealpost.test", 1, fingerprint, 1_000);
        assertNotEquals(new String(leaf.leafHash(), StandardCharsets.ISO_8859_1),
                new String(new DirectoryLeaf("bob@sealpost.test", 2, fingerprint, 1_000).leafHash(), StandardCharsets.ISO_8859_1));
        byte[] other = new byte[32];
        other[0] = 1;
        assertTrue(!java.util.Arrays.equals(leaf.leafHash(), new DirectoryLeaf("bob@sealpost.test", 1, Fingerprint.of(other), 1_000).leafHash()));
        assertTrue(!java.util.Arrays.equals(leaf.leafHash(), new DirectoryLeaf("bob@sealpost.tesu", 1, fingerprint, 1_000).leafHash()));
        assertTrue(!java.util.Arrays.equals(leaf.leafHash(), new DirectoryLeaf("bob@sealpost.test", 1, fingerprint, 1_001).leafHash()));
    }

    private static void assertProofEquals(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i));
        }
    }
}
