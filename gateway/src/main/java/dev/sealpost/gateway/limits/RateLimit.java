package dev.sealpost.gateway.limits;

import java.time.Duration;

/**
 * Every rate limit of the gateway with its default, in one place (an operator reads the whole list
 * here). Each is a token bucket refilled evenly over the period; the values can be changed with
 * {@code sealpost.gateway.rate-limits.<name>.capacity} and {@code .period}.
 */
public enum RateLimit {
    /** Requests from one client address, before any token is looked at: slows down scanning and token guessing. */
    PER_IP("per-ip", 600, Duration.ofMinutes(1)),
    /** Requests of one signed-in user (issuer and subject), whatever address they come from. */
    PER_USER("per-user", 300, Duration.ofMinutes(1));

    private final String configName;
    private final long defaultCapacity;
    private final Duration defaultPeriod;

    RateLimit(String configName, long defaultCapacity, Duration defaultPeriod) {
        this.configName = configName;
        this.defaultCapacity = defaultCapacity;
        this.defaultPeriod = defaultPeriod;
    }

    public String configName() {
        return configName;
    }

    public long defaultCapacity() {
        return defaultCapacity;
    }

    public Duration defaultPeriod() {
        return defaultPeriod;
    }
}
