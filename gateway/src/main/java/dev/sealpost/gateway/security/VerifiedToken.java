package dev.sealpost.gateway.security;

import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.util.List;

/**
 * What the gateway uses of an access token quarkus-oidc accepted, read once: the tenant (realm) it
 * was verified for, the identity (issuer, subject), the realm roles, whether its {@code amr} proves a
 * second factor, the Keycloak session ({@code sid}), the address only if Keycloak marked it verified, and
 * when it was issued and expires. Identity is (issuer, subject), never the e-mail.
 */
public record VerifiedToken(String tenant, String issuer, String subject, List<String> roles, boolean secondFactor,
        String session, String verifiedAddress, Instant issuedAt, Instant expiresAt) {

    public VerifiedToken {
        roles = List.copyOf(roles);
    }

    /** From quarkus-oidc's identity of a verified bearer token; null if the identity is not one. */
    public static VerifiedToken of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return null;
        }
        String tenant = identity.getAttribute("tenant-id");
        Boolean emailVerified = token.getClaim("email_verified");
        String address = Boolean.TRUE.equals(emailVerified) ? token.getClaim("email") : null;
        return new VerifiedToken(tenant, token.getIssuer(), token.getSubject(), List.copyOf(identity.getRoles()),
                SecondFactor.provenBy(token), token.getClaim("sid"), address, Instant.ofEpochSecond(token.getIssuedAtTime()),
                Instant.ofEpochSecond(token.getExpirationTime()));
    }
}
