package dev.sealpost.gateway.events;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.passport.UserIds;
import dev.sealpost.gateway.limits.RateLimit;
import dev.sealpost.gateway.security.TokenRejection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway records about access, built here and buffered by {@link GatewayEvents}: a
 * sign-in (the first request of a Keycloak session from an address), a refused token (its reason
 * category) and a passport that could not be had (both counted by {@link RefusalTally} past the first
 * few a minute), 2FA missing, a rate limit hit (once per limit, client and minute — an attack is one
 * line a minute, not a flood). Each method returns false when the
 * event could not be buffered; the caller then answers 503 instead of serving.
 */
@ApplicationScoped
public class AccessEvents {

    static final String SERVICE = "gateway";
    /** Bound of the remembered sessions and rate-limit windows; past it they start over (more events, never fewer). */
    static final int MAX_REMEMBERED = 100_000;

    /** Who made the request and from where. */
    public record Client(String sourceIp, String userAgent, String requestId) {
    }

    private final GatewayEvents events;
    private final RefusalTally refusals;
    private final Map<String, Boolean> seenSessions = new ConcurrentHashMap<>();
    private final Map<String, Boolean> limitedThisMinute = new ConcurrentHashMap<>();

    public AccessEvents(GatewayEvents events, RefusalTally refusals) {
        this.events = events;
        this.refusals = refusals;
    }

    /** A token accepted: a sign-in event for the first request of its session from this address. */
    public boolean signedIn(String tenant, SecurityEvent.Actor user, String session, Client client) {
        String key = tenant + "\n" + user.issuer() + "\n" + user.subject() + "\n" + session + "\n" + client.sourceIp();
        if (!firstTime(seenSessions, key)) {
            return true;
        }
        return events.record(event(SecurityEventType.SIGN_IN_SUCCEEDED, tenant, user, client)
                .target("session:" + (session == null ? "none" : session)).build());
    }

    /** A token refused; the tenant and user only when the token itself was trusted (2FA missing). */
    public boolean signInFailed(String tenant, SecurityEvent.Actor user, TokenRejection rejection, String route, Client client) {
        return refusals.refused(event(SecurityEventType.SIGN_IN_FAILED, tenant, user, client)
                .target("route:" + route).failure(rejection.reason()).build());
    }

    public boolean rateLimited(RateLimit limit, String tenant, SecurityEvent.Actor actor, String route, Client client) {
        long minute = Instant.now().getEpochSecond() / 60;
        String key = limit.configName() + "\n" + tenant + "\n" + actor.issuer() + "\n" + actor.subject() + "\n" + client.sourceIp()
                + "\n" + minute;
        if (!firstTime(limitedThisMinute, key)) {
            return true;
        }
        return events.record(event(SecurityEventType.REQUEST_RATE_LIMITED, tenant, actor, client)
                .target("limit:" + limit.configName() + " route:" + route).failure("rate_limited").build());
    }

    /** Keycloak ended a session (or every session of the user): its tokens are refused from now on. */
    public boolean sessionEnded(String tenant, SecurityEvent.Actor user, String session, Client client) {
        return events.record(event(SecurityEventType.SESSION_ENDED, tenant, user, client)
                .target(session == null ? "sessions:all" : "session:" + session).build());
    }

    /** A back-channel logout refused: its token did not verify (counted like refused tokens). */
    public boolean logoutRefused(String reason, Client client) {
        return refusals.refused(event(SecurityEventType.SIGN_IN_FAILED, SecurityEvent.UNATTRIBUTED_TENANT,
                SecurityEvent.Actor.UNVERIFIED, client).target("route:backchannel-logout").failure(reason).build());
    }

    public boolean passportFailed(String tenant, SecurityEvent.Actor user, String reason, String audience, Client client) {
        return refusals.refused(event(SecurityEventType.PASSPORT_REFUSED, tenant, user, client)
                .target("audience:" + audience).failure(reason).build());
    }

    /**
     * The actor is the identity provider's (issuer, subject), as the SOC needs it; a verified user is
     * also the owner under their Sealpost user id (the passport's subject), so the event lands in the
     * user's own security log next to what the services record about them.
     */
    private static SecurityEvent.Builder event(SecurityEventType type, String tenant, SecurityEvent.Actor actor, Client client) {
        SecurityEvent.Builder event = SecurityEvent.of(type, SERVICE).tenant(tenant).actor(actor)
                .sourceIp(client.sourceIp()).userAgent(client.userAgent()).requestId(client.requestId());
        if (actor != null && !SecurityEvent.Actor.UNVERIFIED.equals(actor) && !SecurityEvent.Actor.SYSTEM.equals(actor)) {
            event.owner(new SecurityEvent.Actor(UserIds.ISSUER, UserIds.of(actor.issuer(), actor.subject()), actor.address()));
        }
        return event;
    }

    private static boolean firstTime(Map<String, Boolean> remembered, String key) {
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        return remembered.putIfAbsent(key, Boolean.TRUE) == null;
    }
}
