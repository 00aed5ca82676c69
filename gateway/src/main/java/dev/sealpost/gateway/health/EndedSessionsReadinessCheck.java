package dev.sealpost.gateway.health;

import dev.sealpost.gateway.events.SessionRevocationFeed;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the sessions that ended in the remembered window have been read: a replica that
 * took traffic before would accept the tokens of a session signed out a minute ago (fail closed).
 */
@Readiness
@ApplicationScoped
public class EndedSessionsReadinessCheck implements HealthCheck {

    static final String NAME = "Ended Keycloak sessions";

    private final SessionRevocationFeed feed;

    public EndedSessionsReadinessCheck(SessionRevocationFeed feed) {
        this.feed = feed;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).status(feed.isCaughtUp()).build();
    }
}
