package dev.sealpost.service.security;

import dev.sealpost.passport.JwksSource;
import dev.sealpost.passport.Passport;
import dev.sealpost.passport.PassportException;
import dev.sealpost.passport.PassportVerifier;
import dev.sealpost.passport.TenantTrust;
import dev.sealpost.service.rest.ProblemException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an {@code Authorization: Bearer} passport into a verified {@link Passport}, or a 401
 * problem. {@link #require} blocks when the tenant's JWKS has to be fetched: call it from a worker
 * thread. {@link #authenticate} may be called on the event loop: a passport seen before, under keys
 * fetched recently, is answered at once; anything else is verified on a worker thread.
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
        try {
            return verifier().verify(bearer(authorization));
        } catch (PassportException e) {
            throw unauthorized();
        }
    }

    /** The verified passport without blocking the calling thread; a failure is the 401 problem. */
    public Uni<Passport> authenticate(String authorization) {
        try {
            Optional<Passport> known = verifier().verifyWithoutFetching(bearer(authorization));
            if (known.isPresent()) {
                return Uni.createFrom().item(known.get());
            }
        } catch (PassportException | ProblemException e) {
            return Uni.createFrom().failure(unauthorized());
        }
        Uni<Passport> verified = Uni.createFrom().item(() -> require(authorization)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        // back on the caller's Vert.x context afterwards: what follows (a Hibernate Reactive session,
        // the request's own reactive calls) must run on the event loop the request belongs to
        Context caller = Vertx.currentContext();
        return caller == null ? verified : verified.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    private PassportVerifier verifier() {
        if (verifier == null) {
            throw new IllegalStateException("sealpost.passport.audience is not configured for this service");
        }
        return verifier;
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw unauthorized();
        }
        return authorization.substring(7).trim();
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
