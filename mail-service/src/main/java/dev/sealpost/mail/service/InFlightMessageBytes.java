package dev.sealpost.mail.service;

import dev.sealpost.mail.config.MailConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of messages being received right now, against a budget
 * ({@code sealpost.mail.max-in-flight-message-bytes}) and against each user's share of it
 * ({@code max-in-flight-message-bytes-per-user}). A send holds its body whole until it is stored, so
 * without a bound, more senders than the service can serve (an open-loop load test did it at 1,000
 * sends a second) pile bodies up until the heap is gone and the service dies for everyone. With it,
 * the sends past the budget are refused at once (503, Retry-After) and the service goes on serving
 * the rest; a user past their share is refused alone (429), so one user's uploads — slow ones
 * especially — cannot lock everyone else out.
 */
@ApplicationScoped
public class InFlightMessageBytes {

    /** What {@link #tryReserve} decided. */
    public enum Reservation { RESERVED, USER_SHARE_SPENT, BUDGET_SPENT }

    private final long budget;
    private final long perUser;
    private final AtomicLong reserved = new AtomicLong();
    /** Per user: only the users with bytes in flight (an entry is removed when it drops to zero). */
    private final Map<String, Long> byUser = new ConcurrentHashMap<>();

    public InFlightMessageBytes(MailConfig config, dev.sealpost.service.config.BodyLimitsConfig limits) {
        if (config.maxInFlightMessageBytes() < limits.messageBytes()) {
            throw new IllegalStateException("sealpost.mail.max-in-flight-message-bytes must be at least sealpost.limits.message-bytes");
        }
        if (config.maxInFlightMessageBytesPerUser() < limits.messageBytes()
                || config.maxInFlightMessageBytesPerUser() > config.maxInFlightMessageBytes()) {
            throw new IllegalStateException("sealpost.mail.max-in-flight-message-bytes-per-user must be between sealpost.limits.message-bytes "
                    + "and max-in-flight-message-bytes");
        }
        this.budget = config.maxInFlightMessageBytes();
        this.perUser = config.maxInFlightMessageBytesPerUser();
    }

    /** Takes these bytes from the user's share and the budget if both have room; the caller releases them when the request ends. */
    public Reservation tryReserve(String user, long bytes) {
        boolean[] userHasRoom = new boolean[1];
        byUser.compute(user, (ignored, held) -> {
            long current = held == null ? 0 : held;
            userHasRoom[0] = current + bytes <= perUser;
            return userHasRoom[0] ? current + bytes : held;
        });
        if (!userHasRoom[0]) {
            return Reservation.USER_SHARE_SPENT;
        }
        long current;
        do {
            current = reserved.get();
            if (current + bytes > budget) {
                releaseShare(user, bytes);
                return Reservation.BUDGET_SPENT;
            }
        } while (!reserved.compareAndSet(current, current + bytes));
        return Reservation.RESERVED;
    }

    public void release(String user, long bytes) {
        reserved.addAndGet(-bytes);
        releaseShare(user, bytes);
    }

    private void releaseShare(String user, long bytes) {
        byUser.computeIfPresent(user, (ignored, held) -> held - bytes <= 0 ? null : held - bytes);
    }

    /** What is reserved now (for the metric and the tests). */
    public long reserved() {
        return reserved.get();
    }

    /** What one user holds now (for the tests). */
    public long reservedBy(String user) {
        return byUser.getOrDefault(user, 0L);
    }
}
