package dev.sealpost.passport;

import dev.sealpost.crypto.Ed25519PublicJwk;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.jose4j.jca.ProviderContext;
import org.jose4j.json.JsonUtil;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * Ed25519 keys through Bouncy Castle's JCA provider. Measured here (docs/decisions.md): Bouncy
 * Castle's Ed25519 signs about 17 times faster than the JDK's own, so jose4j is pointed at it
 * through a {@link ProviderContext}. jose4j looks providers up by name, so Bouncy Castle is
 * registered — at the lowest priority, so no other algorithm lookup in the process changes.
 */
public final class Ed25519Keys {

    private static final Provider BC = registered();

    private static synchronized Provider registered() {
        Provider existing = java.security.Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        if (existing != null) {
            return existing;
        }
        Provider provider = new BouncyCastleProvider();
        java.security.Security.addProvider(provider);
        return provider;
    }

    /** RFC 8410 */
    private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

    private Ed25519Keys() {
    }

    public static Provider provider() {
        return BC;
    }

    /** jose4j operations (sign, verify) use Bouncy Castle for signatures and key factories. */
    public static ProviderContext providerContext() {
        ProviderContext context = new ProviderContext();
        context.getSuppliedKeyProviderContext().setSignatureProvider(BC.getName());
        context.getGeneralProviderContext().setSignatureProvider(BC.getName());
        return context;
    }

    public static PublicKey publicKey(byte[] raw) {
        try {
            byte[] encoded = new SubjectPublicKeyInfo(new AlgorithmIdentifier(ID_ED25519), raw).getEncoded();
            return KeyFactory.getInstance("Ed25519", BC).generatePublic(new X509EncodedKeySpec(encoded));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    /** A private key from its PKCS#8 encoding (what key-service stores, encrypted). */
    public static PrivateKey privateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance("Ed25519", BC).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key", e);
        }
    }

    /** The raw 32-byte public key of a Bouncy Castle or JDK Ed25519 key. */
    public static byte[] rawPublicKey(PublicKey key) {
        return SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes();
    }

    /** The public JWK (RFC 8037, kty OKP, crv Ed25519) of a key, with its kid, alg and use. */
    public static String publicJwkJson(String keyId, byte[] rawPublicKey) {
        return JsonUtil.toJson(Ed25519PublicJwk.of(keyId, rawPublicKey).toMap());
    }
}
