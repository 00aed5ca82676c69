package dev.sealpost.gateway.routing;

import dev.sealpost.gateway.events.AccessEvents;
import dev.sealpost.gateway.limits.RateLimit;
import dev.sealpost.gateway.security.Refusal;
import dev.sealpost.gateway.security.TokenRejection;
import io.quarkus.oidc.OIDCException;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one place that answers a refused request: it records the refusal's event in the log it
 * belongs to, then writes the problem. A refusal that cannot be recorded is answered 503 instead, so
 * nothing is refused (or served) unrecorded.
 */
@ApplicationScoped
public class Refusals {

    private final AccessEvents access;

    public Refusals(AccessEvents access) {
        this.access = access;
    }

    /** Records {@code failure} (a {@link Refusal}, quarkus-oidc's failure or any other) and answers it. */
    public void answer(RoutingContext context, Throwable failure, String route, AccessEvents.Client client) {
        if (!record(failure, route, client)) {
            if (!context.failed() && !context.response().ended()) {
                eventsUnavailable(context);
            }
            return;
        }
        if (context.failed() || context.response().ended()) {
            return; // quarkus-oidc refused the token and Quarkus already answered (TokenFailureMappers): recorded above
        }
        if (failure instanceof Refusal.TokenRefused refused && refused.rejection() == TokenRejection.SECOND_FACTOR_MISSING) {
            // RFC 9470: the token is genuine, the sign-in behind it too weak for this tenant
            context.response().putHeader("WWW-Authenticate", "Bearer error=\"insufficient_user_authentication\", "
                    + "error_description=\"a second factor is required\"");
            Problems.send(context, 401, "Second Factor Required",
                    "this tenant requires two-factor sign-in: sign in again with your password and one-time code");
        } else if (failure instanceof Refusal.TokenRefused) {
            context.response().putHeader("WWW-Authenticate", "Bearer");
            Problems.send(context, 401, "Unauthorized", "a valid access token from a Sealpost realm is required");
        } else if (failure instanceof Refusal.UserRateLimited limited) {
            tooManyRequests(context, limited.retryAfterSeconds());
        } else if (failure instanceof Refusal.PassportUnavailable passport && passport.refusedByKeyService()) {
            Problems.send(context, 403, "Forbidden", "no passport for this identity and service");
        } else if (failure instanceof OIDCException) {
            context.response().putHeader("Retry-After", "5");
            Problems.send(context, 503, "Service Unavailable", "the identity provider of this token cannot be reached; retry later");
        } else {
            context.response().putHeader("Retry-After", "5");
            Problems.send(context, 503, "Service Unavailable", "the passport service is unavailable; retry later");
        }
    }

    /** The refusal's event; false when it could not be recorded (the buffer is full). */
    private boolean record(Throwable failure, String route, AccessEvents.Client client) {
        if (failure instanceof Refusal.TokenRefused refused) {
            return access.signInFailed(refused.tenant(), refused.user(), refused.rejection(), route, client);
        }
        if (failure instanceof Refusal.UserRateLimited limited) {
            return access.rateLimited(RateLimit.PER_USER, limited.tenant(), limited.user(), route, client);
        }
        if (failure instanceof Refusal.PassportUnavailable passport) {
            return access.passportFailed(passport.tenant(), passport.user(),
                    passport.refusedByKeyService() ? "exchange_refused" : "key_service_unavailable", route, client);
        }
        // the buffer was full; or the realm's Keycloak is unreachable (no token was judged: nothing to record)
        return !(failure instanceof Refusal.EventsUnavailable);
    }

    /** The per-address limit: one event per address and minute, then 429 (503 if it cannot be recorded). */
    public void addressRateLimited(RoutingContext context, long retryAfterSeconds, String route, AccessEvents.Client client) {
        if (access.rateLimited(RateLimit.PER_IP, dev.sealpost.events.SecurityEvent.UNATTRIBUTED_TENANT,
                dev.sealpost.events.SecurityEvent.Actor.UNVERIFIED, route, client)) {
            tooManyRequests(context, retryAfterSeconds);
        } else {
            eventsUnavailable(context);
        }
    }

    public static void eventsUnavailable(RoutingContext context) {
        context.response().putHeader("Retry-After", "5");
        Problems.send(context, 503, "Service Unavailable", "security events cannot be recorded right now; retry later");
    }

    private static void tooManyRequests(RoutingContext context, long retryAfterSeconds) {
        context.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
        Problems.send(context, 429, "Too Many Requests", "slow down; retry after " + retryAfterSeconds + " s");
    }
}
