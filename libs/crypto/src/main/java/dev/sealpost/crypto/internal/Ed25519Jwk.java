package dev.sealpost.crypto.internal;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.util.Base64;
import java.util.Map;

/**
 * Verifies an Ed25519 signature with a public key given as a JWK (RFC 8037: kty OKP, crv Ed25519),
 * as key-service publishes them. Any other key type is refused rather than guessed.
 */
public final class Ed25519Jwk {

    private Ed25519Jwk() {
    }

    /**
     * True only if {@code jwk} is an Ed25519 public signing key (alg EdDSA and use sig when present,
     * no private part) and the signature over {@code message} verifies.
     */
    public static boolean verify(Map<String, String> jwk, byte[] message, byte[] signature) {
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
        if (x.length != Ed25519PublicKeyParameters.KEY_SIZE || signature == null || signature.length != 64 || message == null) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(x));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }
}
