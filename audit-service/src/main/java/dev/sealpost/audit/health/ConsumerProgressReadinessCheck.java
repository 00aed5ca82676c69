package dev.sealpost.audit.health;

import dev.sealpost.audit.config.AuditConfig;
import dev.sealpost.audit.service.SecurityEventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * DOWN while a batch of security events has been waiting to be stored for longer than
 * {@code sealpost.audit.stuck-after} (default 60 s): the consumer keeps retrying (a database outage
 * never dead-letters), but the operator and the orchestrator must see that the record is falling
 * behind. UP again as soon as the batch is stored.
 */
@Readiness
@ApplicationScoped
public class ConsumerProgressReadinessCheck implements HealthCheck {

    private final SecurityEventConsumer consumer;
    private final AuditConfig config;

    public ConsumerProgressReadinessCheck(SecurityEventConsumer consumer, AuditConfig config) {
        this.consumer = consumer;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        Optional<Instant> waitingSince = consumer.batchWaitingSince();
        Duration waiting = waitingSince.map(since -> Duration.between(since, Instant.now())).orElse(Duration.ZERO);
        return HealthCheckResponse.named("security-events consumer progress")
                .status(waiting.compareTo(config.stuckAfter()) <= 0)
                .withData("batchWaitingSeconds", waiting.toSeconds())
                .withData("lastStoredAt", consumer.lastProgress().toString())
                .build();
    }
}
