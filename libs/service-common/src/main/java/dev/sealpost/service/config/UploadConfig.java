package dev.sealpost.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How fast a request body must arrive (gateway and mail-service, the two that take large bodies;
 * docs/operations.md). A body that trickles in holds a share of the in-flight budget and an upstream
 * connection while it does; past the grace period, one arriving slower on average than the minimum
 * rate is cut off with 408.
 */
@ConfigMapping(prefix = "sealpost.uploads")
public interface UploadConfig {

    /** The slowest average a body may arrive at once the grace period is over (32 KiB/s = 256 kbit/s). */
    @WithDefault("32768")
    long minBytesPerSecond();

    /** How long a body may arrive at any pace before the minimum rate applies (a connection's slow start, a pause). */
    @WithDefault("10s")
    Duration grace();
}
