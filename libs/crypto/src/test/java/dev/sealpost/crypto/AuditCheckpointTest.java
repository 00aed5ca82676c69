package dev.sealpost.crypto;

import dev.sealpost.crypto.merkle.SignedTreeHead;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditCheckpointTest {

    private static final Ed25519PrivateKeyParameters KEY = new Ed25519PrivateKeyParameters(new SecureRandom());
    private static final Map<String, String> JWK = Map.of("kty", "OKP", "crv", "Ed25519", "alg", "EdDSA", "use", "sig",
            "x", Base64.getUrlEncoder().withoutPadding().encodeToString(KEY.generatePublicKey().getEncoded()));

    private static byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, KEY);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    @Test
    void aCheckpointVerifiesOnlyForItsTenantPositionTimeAndHash() {
        byte[] hash = new byte[32];
        hash[0] = 7;
        byte[] signature = sign(AuditCheckpoint.toBeSigned("consumer", 1_000, 1_764_000_000_000L, hash));
        assertTrue(new AuditCheckpoint("consumer", 1_000, 1_764_000_000_000L, hash, signature).verify(JWK));
        assertFalse(new AuditCheckpoint("acme", 1_000, 1_764_000_000_000L, hash, signature).verify(JWK), "other tenant");
        assertFalse(new AuditCheckpoint("consumer", 999, 1_764_000_000_000L, hash, signature).verify(JWK), "other position");
        assertFalse(new AuditCheckpoint("consumer", 1_000, 1_764_000_000_001L, hash, signature).verify(JWK), "other time");
        assertFalse(new AuditCheckpoint("consumer", 1_000, 1_764_000_000_000L, new byte[32], signature).verify(JWK), "other hash");
        assertFalse(new AuditCheckpoint("consumer", 1_000, 1_764_000_000_000L, new byte[31], signature).verify(JWK), "short hash");
        assertFalse(new AuditCheckpoint(null, 1_000, 1_764_000_000_000L, hash, signature).verify(JWK), "no tenant");
    }

    @Test
    void aTreeHeadSignatureIsNoCheckpointSignature() {
        byte[] hash = new byte[32];
        byte[] treeHeadSignature = sign(SignedTreeHead.toBeSigned(1_000, 1_764_000_000_000L, hash));
        assertFalse(new AuditCheckpoint("consumer", 1_000, 1_764_000_000_000L, hash, treeHeadSignature).verify(JWK),
                "the labels keep the two statements apart even under one key");
        assertThrows(IllegalArgumentException.class, () -> AuditCheckpoint.toBeSigned("consumer", 0, 0, hash));
    }
}
