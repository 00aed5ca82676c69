package dev.sealpost.gateway.events;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.gateway.config.GatewayConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refused requests, counted per kind, tenant, actor, route, reason and source address in windows of
 * {@code sealpost.gateway.events.refusal-window}: the first {@code refusals-recorded-per-window} of
 * each are recorded one by one (with their request ids, for tracing), the rest become one event
 * with their count once the window is over. A flood of refused requests then costs the event buffer
 * a bounded number of slots instead of one per request, so an attacker cannot fill it and make
 * every user's request a 503. Past {@code refusal-keys-per-window} distinct refusals in a window,
 * further ones are counted together without their source address and actor. The counts of the
 * current window live in memory only: a gateway that crashes loses them (the individually recorded
 * refusals are already in the buffer).
 */
@ApplicationScoped
public class RefusalTally {

    /** What makes refusals the same: not their user agent or request id, which a client changes at will. */
    private record Key(String identity, long window) {
    }

    /** How many refusals of a key a window saw (changed only inside the map's atomic compute), and the event that counts them. */
    private static final class Count {
        final SecurityEvent.Builder template;
        long seen;

        Count(SecurityEvent.Builder template) {
            this.template = template;
        }
    }

    private final GatewayEvents events;
    private final long windowMillis;
    private final int recordedPerWindow;
    private final int keysPerWindow;
    private final Map<Key, Count> counts = new ConcurrentHashMap<>();

    public RefusalTally(GatewayEvents events, GatewayConfig config) {
        this.events = events;
        this.windowMillis = config.events().refusalWindow().toMillis();
        this.recordedPerWindow = config.events().refusalsRecordedPerWindow();
        this.keysPerWindow = config.events().refusalKeysPerWindow();
    }

    /**
     * Records the refusal {@code event} or counts it; false only when it had to be recorded and the
     * buffer was full (the caller then answers 503, as for any event that cannot be recorded).
     */
    public boolean refused(SecurityEvent event) {
        long window = System.currentTimeMillis() / windowMillis;
        boolean pooled = !counts.containsKey(keyOf(event, window, false)) && counts.size() >= keysPerWindow;
        Key key = keyOf(event, window, pooled);
        long[] seen = new long[1];
        counts.compute(key, (ignored, count) -> {
            Count updated = count == null ? new Count(templateOf(event, pooled)) : count;
            seen[0] = ++updated.seen;
            return updated;
        });
        if (seen[0] > recordedPerWindow) {
            return true;
        }
        if (events.record(event)) {
            return true;
        }
        counts.computeIfPresent(key, (ignored, count) -> {
            count.seen--;
            return count;
        });
        return false;
    }

    @Scheduled(every = "${sealpost.gateway.events.refusal-flush}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flushClosedWindows() {
        flush(System.currentTimeMillis() / windowMillis);
    }

    /** Records one event with the count of every key of a window before {@code beforeWindow} that saw more than it recorded. */
    void flush(long beforeWindow) {
        for (Key key : List.copyOf(counts.keySet())) {
            if (key.window >= beforeWindow) {
                continue;
            }
            Count count = counts.remove(key);
            long further = count == null ? 0 : count.seen - recordedPerWindow;
            if (further <= 0) {
                continue;
            }
            SecurityEvent summary = count.template.build();
            SecurityEvent counted = new SecurityEvent(summary.id(), summary.time(), summary.tenant(), summary.actor(), summary.owner(),
                    summary.type(), summary.target() + " window=" + Instant.ofEpochMilli(key.window * windowMillis) + " further=" + further,
                    summary.outcome(), summary.reason(), summary.sourceIp(), null, null, summary.service());
            if (!events.record(counted)) {
                // the buffer is full: the count waits for the next flush (the map stays bounded by keysPerWindow per window)
                counts.merge(key, count, (kept, again) -> {
                    kept.seen += again.seen;
                    return kept;
                });
            }
        }
    }

    private static Key keyOf(SecurityEvent event, long window, boolean pooled) {
        SecurityEvent.Actor actor = pooled ? SecurityEvent.Actor.UNVERIFIED : event.actor();
        String sourceIp = pooled ? null : event.sourceIp();
        return new Key(String.join("\n", event.type().name(), String.valueOf(event.tenant()), String.valueOf(actor.issuer()),
                String.valueOf(actor.subject()), String.valueOf(event.target()), String.valueOf(event.reason()), String.valueOf(sourceIp)), window);
    }

    /** The counting event of a key: the refusal without what differs between its requests. */
    private static SecurityEvent.Builder templateOf(SecurityEvent event, boolean pooled) {
        SecurityEvent.Builder template = SecurityEvent.of(event.type(), event.service()).tenant(event.tenant())
                .actor(pooled ? SecurityEvent.Actor.UNVERIFIED : event.actor()).target(event.target()).failure(event.reason())
                .sourceIp(pooled ? null : event.sourceIp());
        if (!pooled && event.owner() != null) {
            template.owner(event.owner());
        }
        return template;
    }
}
