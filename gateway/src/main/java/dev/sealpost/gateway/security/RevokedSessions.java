package dev.sealpost.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sealpost.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;

/**
 * The sessions Keycloak ended, remembered for as long as a token of theirs could still be valid
 * ({@code sealpost.gateway.sessions.remember-ended}, at least the realms' longest access-token
 * lifespan), so that their tokens are refused at once instead of at expiry. Filled by the
 * back-channel logouts this gateway receives and by those its replicas pass on ({@link SessionRevocationFeed}).
 */
@ApplicationScoped
public class RevokedSessions {

    private final Cache<String, Instant> sessions;
    private final Cache<String, Instant> subjects;

    @Inject
    public RevokedSessions(GatewayConfig config, MeterRegistry metrics) {
        this(config.sessions().rememberEnded(), config.sessions().maxRemembered());
        metrics.gauge("sealpost.gateway.sessions.ended.remembered", this, store -> store.sessions.estimatedSize()
                + store.subjects.estimatedSize());
    }

    RevokedSessions(Duration rememberFor, long maxRemembered) {
        this.sessions = Caffeine.newBuilder().expireAfterWrite(rememberFor).maximumSize(maxRemembered).build();
        this.subjects = Caffeine.newBuilder().expireAfterWrite(rememberFor).maximumSize(maxRemembered).build();
    }

    public void add(SessionRevocation revocation) {
        if (revocation.everySession()) {
            subjects.asMap().merge(revocation.issuer() + "\n" + revocation.subject(), revocation.endedAt(),
                    (known, later) -> later.isAfter(known) ? later : known);
        } else {
            sessions.put(revocation.issuer() + "\n" + revocation.session(), revocation.endedAt());
        }
    }

    /** Whether the token belongs to a session that ended, or was issued before all of its subject's sessions ended. */
    public boolean ended(VerifiedToken token) {
        if (token.session() != null && sessions.getIfPresent(token.issuer() + "\n" + token.session()) != null) {
            return true;
        }
        Instant allEnded = subjects.getIfPresent(token.issuer() + "\n" + token.subject());
        return allEnded != null && !token.issuedAt().isAfter(allEnded);
    }
}
