package dev.sealpost.mail.service;

import dev.sealpost.mail.config.MailConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of messages being received right now, against a budget
 * ({@code sealpost.mail.max-in-flight-message-bytes}). A send holds its body whole until it is
 * stored, so without a bound, more senders than the service can serve (an open-loop load test did
 * it at 1,000 sends a second) pile bodies up until the heap is gone and the service dies for
 * everyone. With it, the sends past the budget are refused at once (503, Retry-After) and the
 * service goes on serving the rest.
 */
@ApplicationScoped
public class InFlightMessageBytes {

    private final long budget;
    private final AtomicLong reserved = new AtomicLong();

    public InFlightMessageBytes(MailConfig config) {
        if (config.maxInFlightMessageBytes() < config.maxMessageBytes()) {
            throw new IllegalStateException("sealpost.mail.max-in-flight-message-bytes must be at least max-message-bytes");
        }
        this.budget = config.maxInFlightMessageBytes();
    }

    /** Takes these bytes from the budget if they fit; the caller releases them when the request ends. */
    public boolean tryReserve(long bytes) {
        long current;
        do {
            current = reserved.get();
            if (current + bytes > budget) {
                return false;
            }
        } while (!reserved.compareAndSet(current, current + bytes));
        return true;
    }

    public void release(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /** What is reserved now (for the metric and the tests). */
    public long reserved() {
        return reserved.get();
    }
}
