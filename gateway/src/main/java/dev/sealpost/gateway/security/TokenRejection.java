package dev.sealpost.gateway.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * Why a token was refused, as a category for the security log (never the token, never a claim's
 * value). Read from the token without trusting it, after quarkus-oidc refused it: the category helps
 * a SOC analyst tell a stale client (expired) from an attack (forged signature), nothing decides on it.
 */
public enum TokenRejection {
    NO_TOKEN("no_token"),
    MALFORMED("malformed"),
    UNSIGNED("unsigned"),
    UNKNOWN_ISSUER("unknown_issuer"),
    EXPIRED("expired"),
    NOT_YET_VALID("not_yet_valid"),
    WRONG_TOKEN_TYPE("wrong_token_type"),
    WRONG_AUDIENCE("wrong_audience"),
    /** The claims look right, so the signature (or its key, or its algorithm) is what failed. */
    BAD_SIGNATURE("bad_signature"),
    SECOND_FACTOR_MISSING("second_factor_missing"),
    /** A genuine token of a Keycloak session that has ended (signed out, revoked): RevokedSessions. */
    SESSION_ENDED("session_ended");

    private static final int MAX_TOKEN_LENGTH = 8192;
    private final String reason;

    TokenRejection(String reason) {
        this.reason = reason;
    }

    /** The value of an event's failure reason. */
    public String reason() {
        return reason;
    }

    public static TokenRejection of(String authorization, Set<String> knownIssuers, String audience, Instant now) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return NO_TOKEN;
        }
        String token = authorization.substring(7).trim();
        String[] parts = token.split("\\.", -1);
        if (token.length() > MAX_TOKEN_LENGTH || parts.length != 3) {
            return MALFORMED;
        }
        JsonObject header;
        JsonObject claims;
        try {
            header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
            claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return MALFORMED;
        }
        if (parts[2].isEmpty() || "none".equalsIgnoreCase(String.valueOf(header.getValue("alg")))) {
            return UNSIGNED;
        }
        if (!(claims.getValue("iss") instanceof String issuer) || !knownIssuers.contains(issuer)) {
            return UNKNOWN_ISSUER;
        }
        if (claims.getValue("exp") instanceof Number exp && exp.longValue() <= now.getEpochSecond()) {
            return EXPIRED;
        }
        if (claims.getValue("nbf") instanceof Number nbf && nbf.longValue() > now.getEpochSecond() + 60) {
            return NOT_YET_VALID;
        }
        if (!"Bearer".equals(claims.getValue("typ"))) {
            return WRONG_TOKEN_TYPE;
        }
        Object aud = claims.getValue("aud");
        boolean forUs = aud instanceof String single ? single.equals(audience)
                : aud instanceof JsonArray many && many.contains(audience);
        return forUs ? BAD_SIGNATURE : WRONG_AUDIENCE;
    }
}
