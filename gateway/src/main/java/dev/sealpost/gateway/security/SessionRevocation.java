package dev.sealpost.gateway.security;

import java.time.Instant;

/**
 * A Keycloak session that ended (a sign-out, or an administrator revoking it): tokens of that
 * session ({@code sid}), or — when Keycloak names no session — every token of the subject issued
 * until {@code endedAt}, are refused from now on. Identity is (issuer, subject), never an address.
 */
public record SessionRevocation(String issuer, String subject, String session, Instant endedAt) {

    public SessionRevocation {
        if (issuer == null || subject == null || endedAt == null) {
            throw new IllegalArgumentException("a revocation names its issuer, subject and time");
        }
    }

    /** Whether it ends every session of the subject rather than one. */
    public boolean everySession() {
        return session == null;
    }
}
