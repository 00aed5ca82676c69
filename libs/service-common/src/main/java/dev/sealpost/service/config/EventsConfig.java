package dev.sealpost.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Where security events go. Environment: SEALPOST_EVENTS_TOPIC, SEALPOST_EVENTS_READINESS_TIMEOUT,
 * SEALPOST_EVENTS_RELAY_INTERVAL, SEALPOST_EVENTS_RELAY_BATCH_SIZE, SEALPOST_EVENTS_OUTBOX_RETENTION,
 * SEALPOST_EVENTS_OUTBOX_RETENTION_CHECK. */
@ConfigMapping(prefix = "sealpost.events")
public interface EventsConfig {

    /** The Kafka topic every service publishes security events to. */
    @WithDefault("security-events")
    String topic();

    /** How long the readiness check waits for Kafka before it reports DOWN. */
    @WithDefault("5s")
    Duration readinessTimeout();

    /** How often the outbox relay looks for unpublished events (SEALPOST_EVENTS_RELAY_INTERVAL). */
    @WithDefault("1s")
    Duration relayInterval();

    /** Events published per relay transaction. */
    @WithDefault("200")
    int relayBatchSize();

    /**
     * How long a published event stays in the outbox table before {@code OutboxRetention} deletes it
     * (SEALPOST_EVENTS_OUTBOX_RETENTION): Kafka and audit-service hold it from then on.
     */
    @WithDefault("1h")
    Duration outboxRetention();

    /** How often {@code OutboxRetention} looks for published events past the retention. */
    @WithDefault("1m")
    Duration outboxRetentionCheck();
}
