package dev.sealpost.gateway.security;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.gateway.config.GatewayConfig;
import dev.sealpost.gateway.events.AccessEvents;
import dev.sealpost.gateway.limits.RateLimit;
import dev.sealpost.gateway.limits.RateLimiters;
import io.quarkus.oidc.OIDCException;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Everything a protected request's token must pass, in order: the token itself (a remembered
 * verdict, else quarkus-oidc), a tenant policy for its issuer, a session Keycloak has not ended, the
 * tenant's second factor and the per-user limit; then the sign-in is recorded. Authentication is not
 * proactive (application.properties), so every refusal comes out of here as a {@link Refusal} and
 * is answered, with its event, in one place.
 */
@ApplicationScoped
public class TokenCheck {

    /** The audience every external token must carry (quarkus.oidc.*.token.audience). */
    static final String AUDIENCE = "sealpost-gateway";

    private final GatewayConfig config;
    private final VerifiedTokens verifiedTokens;
    private final RevokedSessions revokedSessions;
    private final RateLimiters limits;
    private final AccessEvents access;
    /** The issuers of the tenants' realms, to tell an unknown issuer from a bad signature in the log. */
    private final Set<String> issuers;

    public TokenCheck(GatewayConfig config, VerifiedTokens verifiedTokens, RevokedSessions revokedSessions, RateLimiters limits,
            AccessEvents access) {
        this.config = config;
        this.verifiedTokens = verifiedTokens;
        this.revokedSessions = revokedSessions;
        this.limits = limits;
        this.access = access;
        this.issuers = config.tenants().values().stream().map(GatewayConfig.Tenant::issuer)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The request's verified token, or a failure that is a {@link Refusal} (or quarkus-oidc's {@link OIDCException}). */
    public Uni<VerifiedToken> check(RoutingContext context, AccessEvents.Client client) {
        String authorization = context.request().getHeader("Authorization");
        VerifiedToken remembered = verifiedTokens.find(authorization);
        Uni<VerifiedToken> verified = remembered != null ? Uni.createFrom().item(remembered)
                : QuarkusHttpUser.getSecurityIdentity(context, null)
                        .onFailure().transform(failure -> failure instanceof OIDCException ? failure : refused(authorization))
                        .map(identity -> {
                            VerifiedToken token = VerifiedToken.of(identity);
                            if (token == null) {
                                throw refused(authorization);
                            }
                            verifiedTokens.remember(authorization, token);
                            return token;
                        });
        return verified.map(token -> admitted(token, client));
    }

    private VerifiedToken admitted(VerifiedToken token, AccessEvents.Client client) {
        SecurityEvent.Actor user = actor(token);
        GatewayConfig.Tenant policy = config.tenants().get(token.tenant());
        if (policy == null) {
            throw new Refusal.TokenRefused(TokenRejection.UNKNOWN_ISSUER); // fail closed: a tenant without a policy
        }
        if (revokedSessions.ended(token)) {
            throw new Refusal.TokenRefused(TokenRejection.SESSION_ENDED, token.tenant(), user);
        }
        if (policy.requireSecondFactor() && !token.secondFactor()) {
            throw new Refusal.TokenRefused(TokenRejection.SECOND_FACTOR_MISSING, token.tenant(), user);
        }
        OptionalLong wait = limits.tryConsume(RateLimit.PER_USER, token.issuer() + "\n" + token.subject());
        if (wait.isPresent()) {
            throw new Refusal.UserRateLimited(wait.getAsLong(), token.tenant(), user);
        }
        if (!access.signedIn(token.tenant(), user, token.session(), client)) {
            throw new Refusal.EventsUnavailable();
        }
        return token;
    }

    /** Who the token names, for the log: (issuer, subject), never an address. */
    public static SecurityEvent.Actor actor(VerifiedToken token) {
        return new SecurityEvent.Actor(token.issuer(), token.subject(), null);
    }

    private Refusal.TokenRefused refused(String authorization) {
        return new Refusal.TokenRefused(TokenRejection.of(authorization, issuers, AUDIENCE, Instant.now()));
    }
}
