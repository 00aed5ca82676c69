package dev.sealpost.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How long a request may wait for its answer, and what a client is told when a dependency is down or
 * hung (every service and the gateway; docs/operations.md). The gateway's deadline is longer than the
 * services' so that a service's own 503 reaches the client before the gateway gives up on it.
 */
@ConfigMapping(prefix = "sealpost.requests")
public interface DeadlineConfig {

    /**
     * The time from a request's last byte to its answer: while its body is still arriving the clock waits (that
     * is bounded by {@link UploadConfig}). Past it, a request without an answer gets 503 and {@code Retry-After}.
     */
    @WithDefault("10s")
    Duration deadline();

    /** What {@code Retry-After} says when a dependency is down or the deadline passed. */
    @WithDefault("5s")
    Duration retryAfter();
}
