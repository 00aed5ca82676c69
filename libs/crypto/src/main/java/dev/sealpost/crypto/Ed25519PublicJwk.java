package dev.sealpost.crypto;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An Ed25519 public signing key as a JWK (RFC 8037: kty OKP, crv Ed25519), the form key-service
 * publishes every signing key in. The one reading and writing of such JWKs in Sealpost: passports,
 * audit checkpoints and the key directory's tree heads are all checked through it. Reading is
 * strict — any other key type, an encryption key, a private part or a malformed key is refused
 * rather than guessed.
 */
public final class Ed25519PublicJwk {

    private final String keyId;
    private final byte[] publicKey;

    private Ed25519PublicJwk(String keyId, byte[] publicKey) {
        this.keyId = keyId;
        this.publicKey = publicKey;
    }

    /** The JWK of a raw 32-byte public key; {@code keyId} may be null. */
    public static Ed25519PublicJwk of(String keyId, byte[] rawPublicKey) {
        if (rawPublicKey == null || rawPublicKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        }
        return new Ed25519PublicJwk(keyId, rawPublicKey.clone());
    }

    /**
     * The key, if {@code jwk} is an Ed25519 public signing key: kty OKP, crv Ed25519, alg EdDSA and
     * use sig when present, no private part {@code d}, and a 32-byte {@code x}.
     */
    public static Optional<Ed25519PublicJwk> parse(Map<String, ?> jwk) {
        if (jwk == null || !"OKP".equals(jwk.get("kty")) || !"Ed25519".equals(jwk.get("crv"))) {
            return Optional.empty();
        }
        if (jwk.containsKey("alg") && !"EdDSA".equals(jwk.get("alg")) && !"Ed25519".equals(jwk.get("alg"))) {
            return Optional.empty();
        }
        if (jwk.containsKey("use") && !"sig".equals(jwk.get("use"))) {
            return Optional.empty();
        }
        if (jwk.containsKey("d")) {
            return Optional.empty(); // a private JWK has no business here; refuse rather than pass it on
        }
        if (!(jwk.get("x") instanceof String x) || (jwk.get("kid") != null && !(jwk.get("kid") instanceof String))) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(x);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return raw.length == Ed25519PublicKeyParameters.KEY_SIZE ? Optional.of(new Ed25519PublicJwk((String) jwk.get("kid"), raw))
                : Optional.empty();
    }

    /** Null when the JWK has no {@code kid}. */
    public String keyId() {
        return keyId;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The public JWK's members, in the order key-service publishes them. */
    public Map<String, String> toMap() {
        Map<String, String> jwk = new LinkedHashMap<>();
        jwk.put("kty", "OKP");
        if (keyId != null) {
            jwk.put("kid", keyId);
        }
        jwk.put("use", "sig");
        jwk.put("alg", "EdDSA");
        jwk.put("crv", "Ed25519");
        jwk.put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey));
        return jwk;
    }

    /** True only if {@code signature} is this key's Ed25519 signature over {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        if (message == null || signature == null || signature.length != 64) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /** True only if {@code jwk} is an Ed25519 public signing key ({@link #parse}) and the signature verifies with it. */
    static boolean verify(Map<String, ?> jwk, byte[] message, byte[] signature) {
        return parse(jwk).map(key -> key.verify(message, signature)).orElse(false);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Ed25519PublicJwk that && java.util.Objects.equals(keyId, that.keyId) && Arrays.equals(publicKey, that.publicKey);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hashCode(keyId) + Arrays.hashCode(publicKey);
    }
}
