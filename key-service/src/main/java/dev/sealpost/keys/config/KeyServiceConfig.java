package dev.sealpost.keys.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** key-service configuration; docs/operations.md lists the environment variables. */
@ConfigMapping(prefix = "sealpost.keys")
public interface KeyServiceConfig {

    /** Base URL under which this service is reachable; passport issuers and JWKS URLs derive from it. */
    @WithDefault("http://localhost:8081")
    String publicUrl();

    /** The tenants; the map key is the tenant name ({@code consumer}, {@code acme}). */
    Map<String, Tenant> tenants();

    Rotation rotation();

    Passports passports();

    Kek kek();

    /** The gateway: exchanges validated external tokens for passports (POST /internal/passports). */
    @WithName("gateway")
    InternalClient gateway();

    /** audit-service: has its hash-chain checkpoints signed (POST /internal/audit-checkpoints). */
    @WithName("audit")
    InternalClient audit();

    interface Tenant {
        /** The identity provider's issuer for this tenant (a Keycloak realm URL). */
        String externalIssuer();

        /** Mail domains whose addresses belong to this tenant. */
        Set<String> domains();
    }

    interface Rotation {
        /** How long a key signs before the next one takes over. */
        @WithDefault("24h")
        Duration period();

        /**
         * How long a key is in the JWKS before it signs anything. The JWKS is served with
         * {@code max-age} of half this, so every verifier that honours the cache header has seen it.
         */
        @WithDefault("10m")
        Duration publishAhead();

        /** How often the lifecycle is checked (and the signing cache refreshed). */
        @WithDefault("30s")
        Duration checkEvery();

        /** Extra time a RETIRED key stays published after its last token expired: verifiers' clock skew. */
        @WithDefault("60s")
        Duration destroyGrace();
    }

    interface Passports {
        /** Lifetime of a passport; at most 5 minutes. */
        @WithDefault("5m")
        Duration lifetime();

        /** The services a passport may be issued for. */
        @WithDefault("mail-service,audit-service,key-service")
        Set<String> audiences();
    }

    interface Kek {
        /** Id of the key-encryption key new private keys are sealed under. */
        String currentId();

        /** Key-encryption keys by id, base64 of 32 bytes; old ids stay until every key was re-wrapped. */
        Map<String, String> keys();
    }

    /** A service calling key-service's internal endpoints with HTTP Basic. */
    interface InternalClient {
        /** The client id (the user part of HTTP Basic). */
        String clientId();

        /** The client's secret, at least 24 characters; without one, the client is refused (fail closed). */
        Optional<String> clientSecret();

        /** Optional second secret accepted during a secret rotation. */
        Optional<String> previousClientSecret();
    }
}
