package dev.sealpost.client.auth;

import java.time.Instant;

/**
 * What a sign-in gives the client. Kept in the profile's session file (owner-only), like the
 * credentials of other command-line clients; the passphrase and OTP are never stored.
 */
public record Tokens(String accessToken, String refreshToken, Instant accessExpiresAt, Instant refreshExpiresAt) {

    /** Refresh a little early, so a token never expires on its way through the gateway. */
    private static final long EARLY_SECONDS = 30;

    public boolean accessUsableAt(Instant now) {
        return accessToken != null && now.isBefore(accessExpiresAt.minusSeconds(EARLY_SECONDS));
    }

    public boolean refreshUsableAt(Instant now) {
        return refreshToken != null && refreshExpiresAt != null && now.isBefore(refreshExpiresAt.minusSeconds(EARLY_SECONDS));
    }

    @Override
    public String toString() {
        return "Tokens[access until " + accessExpiresAt + ", refresh until " + refreshExpiresAt + "]";
    }
}
