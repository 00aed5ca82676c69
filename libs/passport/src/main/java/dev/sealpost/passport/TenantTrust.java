package dev.sealpost.passport;

import java.net.URI;
import java.util.Objects;

/**
 * What a verifier trusts for one tenant: exactly this issuer, with keys from exactly this JWKS URL.
 * Both come from configuration; nothing in a token can add to them.
 */
public record TenantTrust(String tenant, String issuer, URI jwksUrl) {
    public TenantTrust {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(jwksUrl, "jwksUrl");
    }
}
