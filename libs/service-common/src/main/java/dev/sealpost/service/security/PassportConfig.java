package dev.sealpost.service.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How a service verifies passports (libs/passport): its own audience and, per tenant, the exact
 * issuer and the JWKS URL at key-service. Only these URLs are ever fetched. Services that take no
 * passports leave it empty.
 */
@ConfigMapping(prefix = "sealpost.passport")
public interface PassportConfig {

    /** This service's name as passports name it in {@code aud} (e.g. {@code mail-service}). */
    Optional<String> audience();

    /** Trusted tenants by name. */
    Map<String, Tenant> tenants();

    /** Least time between two JWKS fetches for one tenant (an unknown kid waits for it). */
    @WithDefault("30s")
    Duration jwksRefreshInterval();

    /**
     * Keys fetched longer ago are fetched again before their next use, so a key key-service revoked
     * (it leaves the JWKS) is refused within this time, cached passports included.
     */
    @WithDefault("60s")
    Duration jwksMaxAge();

    interface Tenant {
        String issuer();

        String jwksUrl();
    }
}
