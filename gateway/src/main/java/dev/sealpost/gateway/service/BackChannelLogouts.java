package dev.sealpost.gateway.service;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.gateway.events.AccessEvents;
import dev.sealpost.gateway.events.SessionRevocationFeed;
import dev.sealpost.gateway.limits.RateLimit;
import dev.sealpost.gateway.limits.RateLimiters;
import dev.sealpost.gateway.security.LogoutTokens;
import dev.sealpost.gateway.security.SessionRevocation;
import dev.sealpost.service.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.OptionalLong;

/**
 * A back-channel logout from Keycloak: the logout token is verified, the session it names is refused
 * on this replica at once and passed on to the others, and a {@code SESSION_ENDED} event goes to the
 * user's own log. Fail closed towards Keycloak: when the other replicas cannot be told, or the event
 * cannot be recorded, the answer is 503, so the administrator sees the logout as not delivered.
 */
@ApplicationScoped
public class BackChannelLogouts {

    private static final Logger LOG = Logger.getLogger(BackChannelLogouts.class);

    private final LogoutTokens tokens;
    private final SessionRevocationFeed feed;
    private final AccessEvents access;
    private final RateLimiters limits;

    public BackChannelLogouts(LogoutTokens tokens, SessionRevocationFeed feed, AccessEvents access, RateLimiters limits) {
        this.tokens = tokens;
        this.feed = feed;
        this.access = access;
        this.limits = limits;
    }

    /** Ends the session the logout token names; throws a {@link ProblemException} for every refusal. */
    public void logout(String logoutToken, AccessEvents.Client client) {
        OptionalLong wait = limits.tryConsume(RateLimit.PER_IP, client.sourceIp());
        if (wait.isPresent()) {
            throw new ProblemException(429, "Too Many Requests", "too many requests from this address; retry later",
                    Map.of("Retry-After", Long.toString(wait.getAsLong())));
        }
        LogoutTokens.Logout logout;
        try {
            logout = tokens.verify(logoutToken);
        } catch (LogoutTokens.Refused refused) {
            if (!access.logoutRefused(refused.getMessage(), client)) {
                throw unavailable("security events cannot be recorded right now");
            }
            if (refused.getMessage().equals("keys_unavailable")) {
                throw unavailable("the realm's signing keys cannot be fetched");
            }
            throw ProblemException.badRequest("a valid logout token of a Sealpost realm is required (logout_token)");
        }
        SessionRevocation revocation = logout.revocation();
        boolean shared = feed.publish(revocation);
        boolean recorded = access.sessionEnded(logout.tenant(), new SecurityEvent.Actor(revocation.issuer(), revocation.subject(), null),
                revocation.session(), client);
        if (!shared || !recorded) {
            LOG.warnf("a session of tenant %s ended on this replica only or without its event (shared=%s, recorded=%s)",
                    logout.tenant(), shared, recorded);
            throw unavailable("the logout took effect here but could not be passed on or recorded");
        }
    }

    private static ProblemException unavailable(String detail) {
        return new ProblemException(503, "Service Unavailable", detail + "; retry later", Map.of("Retry-After", "5"));
    }
}
