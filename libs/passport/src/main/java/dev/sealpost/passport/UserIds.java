package dev.sealpost.passport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * Sealpost's user id: the passport's {@code sub}, and the identity every service's events name. One
 * definition, so that the gateway (which sees the identity provider's token) and key-service (which
 * issues the passport) name a user the same way — a user's own security log finds both.
 */
public final class UserIds {

    /** The issuer that goes with a user id where an event needs an (issuer, subject) pair. */
    public static final String ISSUER = "sealpost";

    private UserIds() {
    }

    /**
     * A stable user id from the external (issuer, subject): base64url SHA-256 of both, length-
     * prefixed so that no two pairs collide by concatenation. Never derived from an e-mail claim.
     */
    public static String of(String externalIssuer, String externalSubject) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update("sealpost/user-id/v1".getBytes(StandardCharsets.US_ASCII));
            for (String part : List.of(externalIssuer, externalSubject)) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update(new byte[] {(byte) (bytes.length >>> 8), (byte) bytes.length});
                digest.update(bytes);
            }
            return "u_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
