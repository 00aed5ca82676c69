package dev.sealpost.service.security;

import dev.sealpost.passport.JwksSource;
import dev.sealpost.passport.Passport;
import dev.sealpost.passport.PassportException;
import dev.sealpost.passport.PassportVerifier;
import dev.sealpost.passport.TenantTrust;
import dev.sealpost.service.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.time.Clock;
import java.util.Map;

/**
 * Turns an {@code Authorization: Bearer} passport into a verified {@link Passport}, or a 401
 * problem. Blocking when the tenant's JWKS has to be fetched: call it from a worker thread.
 */
@ApplicationScoped
public class PassportAuthenticator {

    private final PassportVerifier verifier;

    public PassportAuthenticator(PassportConfig config) {
        this.verifier = config.audience().map(audience -> new PassportVerifier(audience,
                config.tenants().entrySet().stream()
                        .map(entry -> new TenantTrust(entry.getKey(), entry.getValue().issuer(), URI.create(entry.getValue().jwksUrl())))
                        .toList(),
                JwksSource.http(), Clock.systemUTC(), config.jwksRefreshInterval(), config.jwksMaxAge())).orElse(null);
    }

    public Passport require(String authorization) {
        if (verifier == null) {
            throw new IllegalStateException("sealpost.passport.audience is not configured for this service");
        }
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw unauthorized();
        }
        try {
            return verifier.verify(authorization.substring(7).trim());
        } catch (PassportException e) {
            throw unauthorized();
        }
    }

    /** Stops accepting a signing key at once (a revocation event arrived). */
    public void revoked(String kid) {
        if (verifier != null) {
            verifier.revoke(kid);
        }
    }

    private static ProblemException unauthorized() {
        return new ProblemException(401, "Unauthorized", "a valid passport is required",
                Map.of("WWW-Authenticate", "Bearer realm=\"sealpost\""));
    }
}
