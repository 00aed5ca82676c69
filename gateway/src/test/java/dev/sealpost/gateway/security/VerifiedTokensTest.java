package dev.sealpost.gateway.security;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class VerifiedTokensTest {

    private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");

    /** One time source for the verdicts' clock and the cache's ticker, moved by the test. */
    private final AtomicLong elapsedNanos = new AtomicLong();
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return START.plusNanos(elapsedNanos.get());
        }
    };
    private final VerifiedTokens tokens = new VerifiedTokens(clock, elapsedNanos::get);

    private static VerifiedToken expiringAt(Instant expiry) {
        return new VerifiedToken("consumer", "https://kc/realms/consumer", "bob-subject", List.of("user"), true, "session-1",
                "bob@sealpost.test", expiry.minusSeconds(300), expiry);
    }

    private void advance(Duration duration) {
        elapsedNanos.addAndGet(duration.toNanos());
    }

    @Test
    void anAcceptedTokenIsRememberedForThatExactTokenOnly() {
        VerifiedToken bob = expiringAt(START.plusSeconds(300));
        tokens.remember("Bearer aaa.bbb.ccc", bob);
        assertEquals(bob, tokens.find("Bearer aaa.bbb.ccc"));
        assertEquals(bob, tokens.find("bearer aaa.bbb.ccc"), "the scheme is case-insensitive (RFC 9110)");
        assertNull(tokens.find("Bearer aaa.bbb.ccd"), "one byte changed is another token");
        assertNull(tokens.find("Basic aaa.bbb.ccc"));
        assertNull(tokens.find(null));
    }

    @Test
    void aVerdictIsKeptAtMostThirtySecondsAndNeverPastTheTokensExpiry() {
        tokens.remember("Bearer long.lived.token", expiringAt(START.plusSeconds(300)));
        tokens.remember("Bearer short.lived.token", expiringAt(START.plusSeconds(10)));
        advance(Duration.ofSeconds(9));
        assertEquals("bob-subject", tokens.find("Bearer short.lived.token").subject());
        advance(Duration.ofSeconds(1));
        assertNull(tokens.find("Bearer short.lived.token"), "expired: quarkus-oidc must judge (and refuse) it again");
        assertEquals("bob-subject", tokens.find("Bearer long.lived.token").subject());
        advance(Duration.ofSeconds(20));
        assertNull(tokens.find("Bearer long.lived.token"), "30 s after it was verified, it is verified again");
    }

    @Test
    void anExpiredTokenIsNotRemembered() {
        tokens.remember("Bearer old.expired.token", expiringAt(START.minusSeconds(1)));
        assertNull(tokens.find("Bearer old.expired.token"));
    }
}
