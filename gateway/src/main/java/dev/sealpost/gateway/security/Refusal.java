package dev.sealpost.gateway.security;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.gateway.client.PassportClient;

/**
 * Why the gateway refused a request after it took it in: every kind in one sealed type, so the one
 * place that answers ({@code routing.Refusals}) handles each exactly once. They travel as a Uni's
 * failure and carry no stack trace: a refusal is not an error. {@code tenant} and {@code user} say
 * whose log the event goes into.
 */
public abstract sealed class Refusal extends RuntimeException
        permits Refusal.TokenRefused, Refusal.UserRateLimited, Refusal.PassportUnavailable, Refusal.EventsUnavailable {

    private final String tenant;
    private final SecurityEvent.Actor user;

    private Refusal(String message, Throwable cause, String tenant, SecurityEvent.Actor user) {
        super(message, cause, false, false);
        this.tenant = tenant;
        this.user = user;
    }

    public String tenant() {
        return tenant;
    }

    public SecurityEvent.Actor user() {
        return user;
    }

    /** A token refused: by quarkus-oidc (untrusted, unattributed) or by a tenant's policy (a known user). */
    public static final class TokenRefused extends Refusal {
        private final TokenRejection rejection;

        public TokenRefused(TokenRejection rejection) {
            this(rejection, SecurityEvent.UNATTRIBUTED_TENANT, SecurityEvent.Actor.UNVERIFIED);
        }

        public TokenRefused(TokenRejection rejection, String tenant, SecurityEvent.Actor user) {
            super(rejection.reason(), null, tenant, user);
            this.rejection = rejection;
        }

        public TokenRejection rejection() {
            return rejection;
        }
    }

    /** A user over the per-user limit, found once the token was checked. */
    public static final class UserRateLimited extends Refusal {
        private final long retryAfterSeconds;

        public UserRateLimited(long retryAfterSeconds, String tenant, SecurityEvent.Actor user) {
            super("rate limited", null, tenant, user);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** key-service gave no passport: it refused (4xx) or could not be reached. */
    public static final class PassportUnavailable extends Refusal {
        public PassportUnavailable(Throwable cause, String tenant, SecurityEvent.Actor user) {
            super("passport", cause, tenant, user);
        }

        public boolean refusedByKeyService() {
            return getCause() instanceof PassportClient.PassportRefused refused && refused.status() < 500;
        }
    }

    /** The event buffer is full: the request is refused rather than served unrecorded. */
    public static final class EventsUnavailable extends Refusal {
        public EventsUnavailable() {
            super("security event buffer full", null, SecurityEvent.UNATTRIBUTED_TENANT, SecurityEvent.Actor.UNVERIFIED);
        }
    }
}
