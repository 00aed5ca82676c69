package dev.sealpost.mail;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** The service's clock in tests: the system's, unless a test holds it still at one instant. */
@Alternative
@Priority(1)
@Singleton
public class SettableClock extends Clock {

    private volatile Instant held;

    /** Holds the clock at the start of the current minute (plus a second), so every access of a test is in one minute. */
    public Instant holdInThisMinute() {
        held = Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(1);
        return held;
    }

    public void release() {
        held = null;
    }

    @Override
    public Instant instant() {
        Instant now = held;
        return now != null ? now : Instant.now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the service's clock is UTC");
    }
}
