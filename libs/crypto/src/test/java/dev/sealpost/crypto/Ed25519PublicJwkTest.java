package dev.sealpost.crypto;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ed25519PublicJwkTest {

    private final Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(new SecureRandom());
    private final byte[] message = "signed".getBytes(StandardCharsets.UTF_8);

    private byte[] sign(byte[] bytes) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(bytes, 0, bytes.length);
        return signer.generateSignature();
    }

    private Map<String, String> published() {
        return new HashMap<>(Ed25519PublicJwk.of("k1", privateKey.generatePublicKey().getEncoded()).toMap());
    }

    @Test
    void writtenJwkReadsBackAndVerifies() {
        Map<String, String> jwk = published();
        assertEquals("OKP", jwk.get("kty"));
        assertEquals("sig", jwk.get("use"));
        Ed25519PublicJwk key = Ed25519PublicJwk.parse(jwk).orElseThrow();
        assertEquals("k1", key.keyId());
        assertArrayEquals(privateKey.generatePublicKey().getEncoded(), key.publicKey());
        assertTrue(key.verify(message, sign(message)));
        assertFalse(key.verify("other".getBytes(StandardCharsets.UTF_8), sign(message)));
        assertFalse(key.verify(message, new byte[63]));
    }

    @Test
    void refusesWhatIsNotAnEd25519PublicSigningKey() {
        for (String[] change : new String[][] {{"kty", "EC"}, {"crv", "X25519"}, {"alg", "ES256"}, {"use", "enc"}, {"d", "AAAA"},
                {"x", "not base64!"}, {"x", "AAAA"}}) {
            Map<String, String> jwk = published();
            jwk.put(change[0], change[1]);
            assertTrue(Ed25519PublicJwk.parse(jwk).isEmpty(), () -> "accepted " + change[0] + "=" + change[1]);
        }
        Map<String, String> withoutX = published();
        withoutX.remove("x");
        assertTrue(Ed25519PublicJwk.parse(withoutX).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Ed25519PublicJwk.of("k1", new byte[31]));
    }
}
