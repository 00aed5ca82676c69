package dev.sealpost.service.rest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * The opaque "after" cursor of a newest-first listing: the last row's (time, id). Time is kept at
 * microseconds, PostgreSQL's precision, so the row a page ended on is never returned again.
 */
public record KeysetCursor(Instant time, UUID id) {

    public KeysetCursor {
        time = time.truncatedTo(ChronoUnit.MICROS);
    }

    public String encode() {
        long micros = time.getEpochSecond() * 1_000_000 + time.getNano() / 1_000;
        return Base64.getUrlEncoder().withoutPadding().encodeToString((micros + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** A cursor this service issued, or a 400 problem. */
    public static KeysetCursor parse(String value) {
        try {
            if (value.length() > 100) {
                throw new IllegalArgumentException();
            }
            String[] parts = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.US_ASCII).split(":");
            long micros = Long.parseLong(parts[0]);
            return new KeysetCursor(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L),
                    UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("not a cursor from this service");
        }
    }
}
