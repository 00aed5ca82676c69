package dev.sealpost.events;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUID version 7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then random bits. Time-ordered ids keep
 * the audit tables' primary-key index append-mostly.
 */
public final class UuidV7 {

    private static final SecureRandom RANDOM = new SecureRandom();

    private UuidV7() {
    }

    public static UUID next() {
        long millis = System.currentTimeMillis();
        long randomHigh = RANDOM.nextLong();
        long randomLow = RANDOM.nextLong();
        long most = (millis << 16) | 0x7000L | (randomHigh & 0x0FFFL);
        long least = (randomLow & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least);
    }

    /**
     * The smallest version-7 UUID of this millisecond: every id made by {@link #next()} at or after
     * {@code time} compares greater (PostgreSQL compares uuids byte by byte), so it bounds a range scan
     * of a primary key of such ids by time.
     */
    public static UUID lowestAt(java.time.Instant time) {
        return new UUID((time.toEpochMilli() << 16) | 0x7000L, 0x8000000000000000L);
    }
}
