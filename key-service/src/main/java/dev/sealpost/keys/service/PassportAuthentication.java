package dev.sealpost.keys.service;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.crypto.KeyPurpose;
import dev.sealpost.passport.JwksSource;
import dev.sealpost.passport.Passport;
import dev.sealpost.passport.PassportException;
import dev.sealpost.passport.PassportVerifier;
import dev.sealpost.passport.TenantTrust;
import dev.sealpost.service.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every key-service endpoint but the JWKS and the internal passport exchange takes a key-service
 * passport ({@code aud} key-service), verified by the same library the other services use; admin
 * endpoints also need the operator role of the tenant. The keys come from the snapshot of this
 * service's own published keys (no HTTP to itself, no I/O), so it can run on the event loop.
 */
@ApplicationScoped
public class PassportAuthentication {

    public static final String OPERATOR_ROLE = "sealpost-operator";
    static final String AUDIENCE = "key-service";

    private final PassportVerifier verifier;
    private final Tenants tenants;
    private final RefusalEvents refusals;

    public PassportAuthentication(Tenants tenants, ActiveSigningKeys activeKeys, RefusalEvents refusals) {
        this.tenants = tenants;
        this.refusals = refusals;
        Map<URI, String> tenantByJwksUrl = tenants.names().stream()
                .collect(Collectors.toMap(tenant -> URI.create(tenants.jwksUrl(tenant, KeyPurpose.PASSPORT)), tenant -> tenant));
        // the snapshot kept by ActiveSigningKeys: no I/O, so verification may run on the event loop
        JwksSource fromSnapshot = url -> activeKeys.publishedJwks(tenantByJwksUrl.get(url), KeyPurpose.PASSPORT);
        this.verifier = new PassportVerifier(AUDIENCE, tenants.names().stream()
                .map(tenant -> new TenantTrust(tenant, tenants.issuer(tenant), URI.create(tenants.jwksUrl(tenant, KeyPurpose.PASSPORT))))
                .toList(), fromSnapshot, Clock.systemUTC(), Duration.ofSeconds(1));
    }

    /** The caller's passport; 401 without a valid one. */
    public Passport require(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw unauthorized();
        }
        try {
            return verifier.verify(authorization.substring(7).trim());
        } catch (PassportException e) {
            // the token is not trusted, so neither is any tenant it names
            refusals.passportRefused(RefusalEvents.UNATTRIBUTED, SecurityEvent.Actor.SYSTEM, e.reason().name().toLowerCase(java.util.Locale.ROOT),
                    "key-service");
            throw unauthorized();
        }
    }

    /** The operator's passport for {@code tenant}; 401 without a valid one, 403 without the role or for another tenant. */
    public Passport requireOperator(String authorization, String tenant) {
        Passport passport = require(authorization);
        if (!passport.hasRole(OPERATOR_ROLE) || !passport.tenant().equals(tenant) || !tenants.exists(tenant)) {
            refusals.passportRefused(passport.tenant(), actor(passport), "not_operator_of_tenant", "admin:" + tenant);
            throw ProblemException.forbidden("an operator of this tenant is required");
        }
        return passport;
    }

    /** This service's own verifier learns of a revocation at once. */
    public void revoked(String kid) {
        verifier.revoke(kid);
    }

    public static SecurityEvent.Actor actor(Passport passport) {
        return new SecurityEvent.Actor(passport.issuer(), passport.subject(), passport.address());
    }

    private static ProblemException unauthorized() {
        return new ProblemException(401, "Unauthorized", "a valid passport is required",
                Map.of("WWW-Authenticate", "Bearer realm=\"sealpost\""));
    }
}
