package dev.sealpost.keys.domain;

/**
 * The lifecycle of a signing key. Only PENDING and ACTIVE keys hold a private part; only PENDING,
 * ACTIVE and RETIRED keys are in the tenant's JWKS.
 */
public enum SigningKeyState {
    /** Generated and published in the JWKS, not yet signing: verifiers learn it before its first token. */
    PENDING,
    /** The one key that signs for its tenant and purpose. */
    ACTIVE,
    /** No longer signs; its private part is erased; stays in the JWKS until its last token has expired. */
    RETIRED,
    /** Gone from the JWKS: every token it signed has expired. */
    DESTROYED,
    /** Removed by an operator at once; tokens it signed fail immediately. */
    REVOKED;

    public boolean published() {
        return this == PENDING || this == ACTIVE || this == RETIRED;
    }
}
