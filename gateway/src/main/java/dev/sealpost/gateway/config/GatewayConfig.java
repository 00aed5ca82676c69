package dev.sealpost.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** gateway settings; docs/operations.md lists the environment variables. */
@ConfigMapping(prefix = "sealpost.gateway")
public interface GatewayConfig {

    /** Where the services run (internal network). */
    Upstreams upstreams();

    /** The passport exchange at key-service. */
    Passports passports();

    /** The tenants: the map key is the tenant and the quarkus-oidc tenant id ({@code consumer}, {@code acme}). */
    Map<String, Tenant> tenants();

    /** Overrides of the rate limits of {@code RateLimit}, by its config name ({@code per-ip}, {@code per-user}). */
    Map<String, RateLimitOverride> rateLimits();

    /** The gateway's security events (GatewayEvents). */
    Events events();

    /** Sessions Keycloak ends through back-channel logout (docs/gateway.md, "Sessions that end"). */
    Sessions sessions();

    interface Sessions {
        /**
         * The Keycloak clients whose sessions the gateway's tokens come from: the {@code aud} a
         * logout token must name (SEALPOST_GATEWAY_LOGOUT_CLIENTS).
         */
        @WithDefault("sealpost-cli")
        java.util.List<String> logoutClients();

        /**
         * How long an ended session is remembered: at least the realms' longest access-token
         * lifespan, or a token of the session becomes usable again before it expires.
         */
        @WithDefault("1h")
        Duration rememberEnded();

        /** Ended sessions (and subjects) remembered at most; past it the oldest are forgotten first. */
        @WithDefault("200000")
        long maxRemembered();

        /**
         * How often each replica reads the realms' disabled and deleted accounts (read by
         * StoppedAccounts' schedule; a duration, or {@code off})
         */
        @WithDefault("2s")
        String stoppedAccountsEvery();

        /** The Kafka topic on which the gateway's replicas tell each other of ended sessions. */
        @WithDefault("session-revocations")
        String topic();
    }

    interface Events {
        /**
         * Events held in memory while Kafka has not acknowledged them; when full, protected requests
         * get 503 until Kafka takes them (SEALPOST_GATEWAY_EVENTS_BUFFER_CAPACITY).
         */
        @WithDefault("10000")
        int bufferCapacity();

        /** The window in which refusals of one kind, route, reason and source are counted together (RefusalTally). */
        @WithDefault("1m")
        Duration refusalWindow();

        /** Refusals of one kind, route, reason and source recorded one by one per window; the rest are counted. */
        @WithDefault("10")
        int refusalsRecordedPerWindow();

        /** Distinct refusals told apart per window; past it they are counted together without source and actor. */
        @WithDefault("1000")
        int refusalKeysPerWindow();

        /** How often closed windows are written as counting events (read by RefusalTally's schedule). */
        @WithDefault("10s")
        Duration refusalFlush();
    }

    interface RateLimitOverride {
        java.util.Optional<Long> capacity();

        java.util.Optional<Duration> period();
    }

    interface Upstreams {
        URI keyService();

        URI mailService();

        URI auditService();
    }

    interface Passports {
        @WithDefault("sealpost-gateway")
        String clientId();

        /** The gateway's client secret (the same as its Keycloak client's). */
        String clientSecret();

        /** A cached passport is used until this long before it expires. */
        @WithDefault("30s")
        Duration renewBefore();
    }

    interface Tenant {
        /** The Keycloak realm's issuer; a token is checked with this realm's keys only. */
        String issuer();

        /**
         * Whether a token must show a second factor in its {@code amr} (RFC 8176) to be accepted:
         * required unless a tenant's operator turns it off (SEALPOST_&lt;TENANT&gt;_REQUIRE_SECOND_FACTOR).
         */
        @WithDefault("true")
        boolean requireSecondFactor();
    }
}
