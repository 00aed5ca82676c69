package dev.sealpost.gateway.security;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which tokens an ended session takes with it: its own, or every one of the subject issued until then. */
class RevokedSessionsTest {

    private static final String ISSUER = "http://localhost:18080/realms/consumer";
    private final RevokedSessions revoked = new RevokedSessions(Duration.ofHours(1), 1_000);

    private static VerifiedToken token(String subject, String session, Instant issuedAt) {
        return new VerifiedToken("consumer", ISSUER, subject, List.of("user"), true, session, null, issuedAt,
                issuedAt.plusSeconds(300));
    }

    @Test
    void anEndedSessionTakesOnlyItsOwnTokens() {
        Instant now = Instant.now();
        revoked.add(new SessionRevocation(ISSUER, "bob", "session-1", now));
        assertTrue(revoked.ended(token("bob", "session-1", now.minusSeconds(10))));
        assertTrue(revoked.ended(token("bob", "session-1", now.plusSeconds(10))), "a refreshed token of the ended session");
        assertFalse(revoked.ended(token("bob", "session-2", now.minusSeconds(10))), "bob's other device");
        assertFalse(revoked.ended(token("alice", "session-3", now)));
        assertFalse(revoked.ended(new VerifiedToken("acme", "http://localhost:18080/realms/acme", "bob", List.of("user"), true,
                "session-1", null, now, now.plusSeconds(300))), "a session id means something only in its realm");
    }

    @Test
    void aLogoutOfEverySessionTakesTheTokensIssuedUntilThen() {
        Instant endedAt = Instant.now();
        revoked.add(new SessionRevocation(ISSUER, "bob", null, endedAt));
        assertTrue(revoked.ended(token("bob", "session-1", endedAt.minusSeconds(60))));
        assertTrue(revoked.ended(token("bob", null, endedAt)));
        assertFalse(revoked.ended(token("bob", "session-9", endedAt.plusSeconds(5))), "a sign-in after the logout");
        // an older logout of every session does not undo a later one
        revoked.add(new SessionRevocation(ISSUER, "bob", null, endedAt.minusSeconds(3600)));
        assertTrue(revoked.ended(token("bob", "session-1", endedAt.minusSeconds(60))));
    }
}
