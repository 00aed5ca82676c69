package dev.sealpost.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/**
 * Forged variants of real Keycloak tokens, the attacks a JWT validator must refuse: no signature,
 * algorithm confusion, a signer of the attacker's, keys offered in the header (jwk, jku, x5u), kid
 * injection, the ECDSA "psychic signature" (r = s = 0), a changed issuer.
 */
final class CraftedTokens {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final String realToken;
    private final KeyPair attacker;

    CraftedTokens(String realToken) throws Exception {
        this.realToken = realToken;
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        this.attacker = generator.generateKeyPair();
    }

    ObjectNode header() throws Exception {
        return (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(realToken.split("\\.")[0]));
    }

    ObjectNode claims() throws Exception {
        return (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(realToken.split("\\.")[1]));
    }

    /** {@code alg: none} and no signature, with the real claims. */
    String unsigned() throws Exception {
        ObjectNode header = JSON.createObjectNode().put("alg", "none").put("typ", "JWT");
        return encode(header) + "." + encode(claims()) + ".";
    }

    /** The real header and claims with the signature cut off. */
    String stripped() {
        String[] parts = realToken.split("\\.");
        return parts[0] + "." + parts[1] + ".";
    }

    /** HS256 with the realm's public RSA key (its PEM text) as the HMAC secret: the classic algorithm confusion. */
    String hmacWithRealmPublicKey(String realmPublicKeyBase64) throws Exception {
        String pem = "-----BEGIN PUBLIC KEY-----\n" + realmPublicKeyBase64 + "\n-----END PUBLIC KEY-----\n";
        ObjectNode header = header().put("alg", "HS256");
        return hmac(header, claims(), pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** RS256 by the attacker's key under the realm key's kid. */
    String signedByUnknownKey() throws Exception {
        return rsa(header(), claims());
    }

    /**
     * A back-channel logout token for the real token's session, shaped as Keycloak's (typ logout+jwt,
     * the logout event, aud the CLI's client), signed by the attacker's key under the realm key's kid:
     * whoever could pass it would sign anyone out.
     */
    String forgedLogoutToken() throws Exception {
        ObjectNode claims = claims();
        ObjectNode logout = JSON.createObjectNode().put("iss", claims.path("iss").asText()).put("aud", "sealpost-cli")
                .put("sub", claims.path("sub").asText()).put("sid", claims.path("sid").asText()).put("typ", "Logout")
                .put("iat", java.time.Instant.now().getEpochSecond()).put("exp", java.time.Instant.now().getEpochSecond() + 120)
                .put("jti", java.util.UUID.randomUUID().toString());
        logout.putObject("events").putObject("http://schemas.openid.net/event/backchannel-logout");
        return rsa(header().put("typ", "logout+jwt"), logout);
    }

    /** The attacker's public key offered in the header ({@code jwk}), signed by its private key. */
    String withEmbeddedJwk() throws Exception {
        RSAPublicKey publicKey = (RSAPublicKey) attacker.getPublic();
        ObjectNode jwk = JSON.createObjectNode().put("kty", "RSA").put("e", B64.encodeToString(unsigned(publicKey.getPublicExponent().toByteArray())))
                .put("n", B64.encodeToString(unsigned(publicKey.getModulus().toByteArray())));
        ObjectNode header = header();
        header.set("jwk", jwk);
        header.put("kid", "attacker");
        return rsa(header, claims());
    }

    /** A key URL in the header ({@code jku} or {@code x5u}): a validator must not fetch it. */
    String withKeyUrl(String headerName, String url) throws Exception {
        ObjectNode header = header().put(headerName, url).put("kid", "attacker");
        return rsa(header, claims());
    }

    /** A kid that would reach a file or a query if a validator used it as one, HMAC-signed with an empty key. */
    String withInjectedKid() throws Exception {
        ObjectNode header = header().put("alg", "HS256").put("kid", "../../../../../../dev/null' OR '1'='1");
        return hmac(header, claims(), new byte[1]);
    }

    /** ES256 with r = s = 0 (CVE-2022-21449): a validator that skips the range check accepts it for any claims. */
    String es256ZeroSignature() throws Exception {
        ObjectNode header = header().put("alg", "ES256");
        return encode(header) + "." + encode(claims()) + "." + B64.encodeToString(new byte[64]);
    }

    /** The real token with one claim changed and the original signature kept. */
    String withClaim(String name, String value) throws Exception {
        String[] parts = realToken.split("\\.");
        return parts[0] + "." + encode(claims().put(name, value)) + "." + parts[2];
    }

    private String hmac(JsonNode header, JsonNode claims, byte[] secret) throws Exception {
        String input = encode(header) + "." + encode(claims);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private String rsa(JsonNode header, JsonNode claims) throws Exception {
        String input = encode(header) + "." + encode(claims);
        PrivateKey key = attacker.getPrivate();
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(signature.sign());
    }

    private static String encode(JsonNode node) throws Exception {
        return B64.encodeToString(JSON.writeValueAsBytes(node));
    }

    private static byte[] unsigned(byte[] twosComplement) {
        return twosComplement.length > 1 && twosComplement[0] == 0
                ? java.util.Arrays.copyOfRange(twosComplement, 1, twosComplement.length) : twosComplement;
    }
}
