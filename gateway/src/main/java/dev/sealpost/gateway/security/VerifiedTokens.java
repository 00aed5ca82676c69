package dev.sealpost.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The gateway's memory of access tokens quarkus-oidc has verified, so that a client's next requests
 * with the same token skip the parsing and the RSA signature check that cost half of the gateway's
 * time per request (measured: docs/gateway.md, Performance).
 *
 * <p>What is remembered is the verdict for the exact token bytes, keyed by their SHA-256 (the
 * bearer tokens themselves are not kept), for at most {@link #MAX_AGE} and never past the token's
 * {@code exp}; only accepted tokens are remembered, so every refused token is judged — and recorded
 * — again. Everything that is policy, not verification (2FA per tenant, rate limits, sign-in
 * events, the passport) is still decided per request. A key a realm withdraws stops being honoured
 * here within {@link #MAX_AGE} of quarkus-oidc no longer accepting it. Bounded at
 * {@link #MAX_TOKENS} tokens; evicting one only costs a new verification.
 */
@ApplicationScoped
public class VerifiedTokens {

    static final Duration MAX_AGE = Duration.ofSeconds(30);
    static final int MAX_TOKENS = 10_000;
    private static final int MAX_TOKEN_LENGTH = 8192;

    private final Clock clock;
    private final Cache<String, VerifiedToken> verified;

    @Inject
    public VerifiedTokens() {
        this(Clock.systemUTC(), Ticker.systemTicker());
    }

    VerifiedTokens(Clock clock, Ticker ticker) {
        this.clock = clock;
        this.verified = Caffeine.newBuilder().maximumSize(MAX_TOKENS).ticker(ticker).expireAfter(new Expiry<String, VerifiedToken>() {
            @Override
            public long expireAfterCreate(String key, VerifiedToken token, long currentTime) {
                Duration untilExpiry = Duration.between(clock.instant(), token.expiresAt());
                return Math.max(0, Math.min(untilExpiry.toNanos(), MAX_AGE.toNanos()));
            }

            @Override
            public long expireAfterUpdate(String key, VerifiedToken token, long currentTime, long currentDuration) {
                return expireAfterCreate(key, token, currentTime);
            }

            @Override
            public long expireAfterRead(String key, VerifiedToken token, long currentTime, long currentDuration) {
                return currentDuration;
            }
        }).build();
    }

    /** The verdict for this Authorization header's token if it was accepted and is still valid; otherwise null. */
    public VerifiedToken find(String authorization) {
        String key = keyOf(authorization);
        if (key == null) {
            return null;
        }
        VerifiedToken token = verified.getIfPresent(key);
        return token != null && clock.instant().isBefore(token.expiresAt()) ? token : null;
    }

    /** Remembers that quarkus-oidc accepted the token of this Authorization header. */
    public void remember(String authorization, VerifiedToken token) {
        String key = keyOf(authorization);
        if (key != null && clock.instant().isBefore(token.expiresAt())) {
            verified.put(key, token);
        }
    }

    private static String keyOf(String authorization) {
        if (authorization == null || authorization.length() > MAX_TOKEN_LENGTH || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(authorization.substring(7).trim().getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
