package dev.sealpost.gateway.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.enterprise.context.ApplicationScoped;
import dev.sealpost.gateway.config.GatewayConfig;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token buckets (Bucket4j, in this process) of every {@link RateLimit}, per key (an address, a
 * user). Bounded: when a limit tracks too many keys, its buckets start over — a fresh bucket is full,
 * so the bound can only make the gateway more lenient for a moment, never lock anyone out.
 */
@ApplicationScoped
public class RateLimiters {

    static final int MAX_KEYS = 100_000;

    private record Settings(long capacity, Duration period) {
    }

    private final Map<RateLimit, Settings> settings = new EnumMap<>(RateLimit.class);
    private final Map<RateLimit, Map<String, Bucket>> buckets = new EnumMap<>(RateLimit.class);

    public RateLimiters(GatewayConfig config) {
        for (RateLimit limit : RateLimit.values()) {
            var override = java.util.Optional.ofNullable(config.rateLimits().get(limit.configName()));
            long capacity = override.flatMap(GatewayConfig.RateLimitOverride::capacity).orElse(limit.defaultCapacity());
            Duration period = override.flatMap(GatewayConfig.RateLimitOverride::period).orElse(limit.defaultPeriod());
            if (capacity < 1 || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("rate limit " + limit.configName() + " needs a capacity >= 1 and a positive period");
            }
            settings.put(limit, new Settings(capacity, period));
            buckets.put(limit, new ConcurrentHashMap<>());
        }
    }

    /** Takes one request from the key's bucket; empty if allowed, otherwise the seconds until one is available. */
    public OptionalLong tryConsume(RateLimit limit, String key) {
        Map<String, Bucket> byKey = buckets.get(limit);
        if (byKey.size() >= MAX_KEYS) {
            byKey.clear();
        }
        Bucket bucket = byKey.computeIfAbsent(key, ignored -> newBucket(settings.get(limit)));
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
    }

    private static Bucket newBucket(Settings settings) {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(settings.capacity())
                .refillGreedy(settings.capacity(), settings.period()).build()).build();
    }
}
