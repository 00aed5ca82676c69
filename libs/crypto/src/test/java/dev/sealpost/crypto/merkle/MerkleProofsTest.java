package dev.sealpost.crypto.merkle;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every tree size 1..64 against a naive reference built straight from the RFC 9162 definitions. */
class MerkleProofsTest {

    private static List<byte[]> leaves(int n) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(("leaf " + i).getBytes(StandardCharsets.UTF_8));
        }
        return leaves;
    }

    @Test
    void inclusionProofsForEveryLeafOfEveryTreeUpTo64() {
        for (int n = 1; n <= 64; n++) {
            List<byte[]> d = leaves(n);
            byte[] root = Rfc9162Reference.mth(d);
            for (int m = 0; m < n; m++) {
                byte[] leafHash = MerkleHashes.leafHash(d.get(m));
                List<byte[]> proof = Rfc9162Reference.path(m, d);
                assertTrue(MerkleProofs.verifyInclusion(m, n, leafHash, proof, root), "n=" + n + " m=" + m);
                // the size is vouched for by the signed tree head: against the next tree's root the proof fails
                assertFalse(MerkleProofs.verifyInclusion(m, n + 1, leafHash, proof, Rfc9162Reference.mth(leaves(n + 1))), "next tree n=" + n + " m=" + m);
                if (n > 1) {
                    assertFalse(MerkleProofs.verifyInclusion((m + 1) % n, n, leafHash, proof, root), "wrong index n=" + n);
                    List<byte[]> tampered = new ArrayList<>(proof);
                    byte[] first = tampered.get(0).clone();
                    first[0] ^= 1;
                    tampered.set(0, first);
                    assertFalse(MerkleProofs.verifyInclusion(m, n, leafHash, tampered, root), "tampered n=" + n);
                }
                assertFalse(MerkleProofs.verifyInclusion(m, n, MerkleHashes.leafHash(new byte[] {9}), proof, root));
            }
        }
    }

    @Test
    void consistencyProofsForEveryPairOfSizesUpTo64() {
        List<byte[]> all = leaves(64);
        for (int n = 1; n <= 64; n++) {
            byte[] secondRoot = Rfc9162Reference.mth(all.subList(0, n));
            for (int m = 1; m <= n; m++) {
                byte[] firstRoot = Rfc9162Reference.mth(all.subList(0, m));
                List<byte[]> proof = Rfc9162Reference.subproof(m, all.subList(0, n), true);
                assertTrue(MerkleProofs.verifyConsistency(m, n, firstRoot, secondRoot, proof), "m=" + m + " n=" + n);
                if (m < n) {
                    byte[] otherFirst = Rfc9162Reference.mth(leaves(m + 1).subList(1, m + 1));
                    assertFalse(MerkleProofs.verifyConsistency(m, n, otherFirst, secondRoot, proof), "forked history m=" + m);
                    List<byte[]> tampered = new ArrayList<>(proof);
                    byte[] last = tampered.get(tampered.size() - 1).clone();
                    last[31] ^= 1;
                    tampered.set(tampered.size() - 1, last);
                    assertFalse(MerkleProofs.verifyConsistency(m, n, firstRoot, secondRoot, tampered), "tampered m=" + m);
                }
            }
        }
    }

    @Test
    void hostileInputsAreRefused() {
        byte[] h = new byte[32];
        assertFalse(MerkleProofs.verifyInclusion(0, 0, h, List.of(), h));
        assertFalse(MerkleProofs.verifyInclusion(-1, 5, h, List.of(), h));
        assertFalse(MerkleProofs.verifyInclusion(0, 1, new byte[31], List.of(), h));
        assertFalse(MerkleProofs.verifyConsistency(0, 5, h, h, List.of(h)));
        assertFalse(MerkleProofs.verifyConsistency(5, 4, h, h, List.of(h)));
        assertFalse(MerkleProofs.verifyInclusion(0, 2, h, java.util.Collections.nCopies(65, h), h));
    }

    @Test
    void treeHeadSignedByTheDirectoryKeyVerifiesAgainstItsJwkOnly() {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
        byte[] root = Rfc9162Reference.mth(leaves(7));
        byte[] message = SignedTreeHead.toBeSigned(7, 1_764_000_000_000L, root);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        SignedTreeHead head = new SignedTreeHead(7, 1_764_000_000_000L, root, signer.generateSignature());

        Map<String, String> jwk = new HashMap<>(Map.of("kty", "OKP", "crv", "Ed25519", "alg", "EdDSA", "use", "sig",
                "x", Base64.getUrlEncoder().withoutPadding().encodeToString(key.generatePublicKey().getEncoded())));
        assertTrue(head.verify(jwk));
        assertFalse(new SignedTreeHead(8, head.timestampMillis(), root, head.signature()).verify(jwk), "other size");
        assertFalse(new SignedTreeHead(7, head.timestampMillis(), Rfc9162Reference.mth(leaves(6)), head.signature()).verify(jwk), "other root");
        Map<String, String> otherKey = new HashMap<>(jwk);
        otherKey.put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(
                new Ed25519PrivateKeyParameters(new SecureRandom()).generatePublicKey().getEncoded()));
        assertFalse(head.verify(otherKey), "another key");
        Map<String, String> wrongType = new HashMap<>(jwk);
        wrongType.put("kty", "EC");
        assertFalse(head.verify(wrongType), "not an OKP key");
        Map<String, String> encryptionKey = new HashMap<>(jwk);
        encryptionKey.put("use", "enc");
        assertFalse(head.verify(encryptionKey), "not a signing key");
        assertArrayEquals(root, head.rootHash());
    }
}
