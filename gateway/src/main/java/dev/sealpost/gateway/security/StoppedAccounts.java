package dev.sealpost.gateway.security;

import dev.sealpost.gateway.client.KeycloakAccountEvents;
import dev.sealpost.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Accounts that Keycloak disabled or deleted without ending their sessions: every few seconds each
 * replica reads them from each realm's stored events ({@link KeycloakAccountEvents}) and refuses the
 * tokens their subject had until then, as if every session had been signed out. Each replica reads
 * for itself, from {@code remember-ended} ago when it starts; the read window overlaps the last one,
 * because Keycloak stamps an event before its transaction commits.
 */
@ApplicationScoped
public class StoppedAccounts {

    private static final Logger LOG = Logger.getLogger(StoppedAccounts.class);
    private static final Duration OVERLAP = Duration.ofSeconds(30);

    private final KeycloakAccountEvents events;
    private final RevokedSessions revoked;
    private final Map<String, String> issuerByTenant = new HashMap<>();
    private final Map<String, Instant> readUntil = new HashMap<>();
    private final Counter failures;

    public StoppedAccounts(KeycloakAccountEvents events, RevokedSessions revoked, GatewayConfig config, MeterRegistry metrics) {
        this.events = events;
        this.revoked = revoked;
        Instant start = Instant.now().minus(config.sessions().rememberEnded());
        config.tenants().forEach((tenant, settings) -> {
            issuerByTenant.put(tenant, settings.issuer());
            readUntil.put(tenant, start);
        });
        this.failures = Counter.builder("sealpost.gateway.sessions.account.events.failed")
                .description("reads of a realm's disabled and deleted accounts that failed").register(metrics);
    }

    @Scheduled(every = "${sealpost.gateway.sessions.stopped-accounts-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void read() {
        issuerByTenant.forEach((tenant, issuer) -> {
            Instant from = readUntil.get(tenant);
            Instant now = Instant.now();
            try {
                for (KeycloakAccountEvents.AccountStopped stopped : events.since(issuer, from)) {
                    revoked.add(new SessionRevocation(issuer, stopped.subject(), null, stopped.at()));
                }
                Instant next = now.minus(OVERLAP);
                readUntil.put(tenant, next.isAfter(from) ? next : from);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failures.increment();
                LOG.warnf("disabled accounts of tenant %s could not be read (will retry): %s", tenant, e.getMessage());
            }
        });
    }
}
