package dev.sealpost.passport;

/** A passport was refused. The reason is a category safe to log and to put in an event; never the token. */
public final class PassportException extends Exception {

    public enum Reason {
        MALFORMED,
        TOO_LARGE,
        ALGORITHM_NOT_ALLOWED,
        /** jku, x5u, jwk, x5c or crit headers: never honoured, so refused outright. */
        FORBIDDEN_HEADER,
        UNKNOWN_ISSUER,
        UNKNOWN_KEY,
        BAD_SIGNATURE,
        EXPIRED,
        NOT_YET_VALID,
        LIFETIME_TOO_LONG,
        WRONG_AUDIENCE,
        WRONG_TENANT,
        /** The tenant's JWKS could not be fetched; fail closed. */
        KEYS_UNAVAILABLE
    }

    private final Reason reason;

    public PassportException(Reason reason) {
        super(reason.name());
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
