package dev.sealpost.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Where security events go. Environment: SEALPOST_EVENTS_TOPIC, SEALPOST_EVENTS_READINESS_TIMEOUT. */
@ConfigMapping(prefix = "sealpost.events")
public interface EventsConfig {

    /** The Kafka topic every service publishes security events to. */
    @WithDefault("security-events")
    String topic();

    /** How long the readiness check waits for Kafka before it reports DOWN. */
    @WithDefault("5s")
    Duration readinessTimeout();
}
