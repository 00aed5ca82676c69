package dev.sealpost.crypto;

import java.util.Locale;

/**
 * Every purpose a tenant signing key of key-service can have, in one place; a key signs for exactly
 * one. Shared so that key-service, audit-service and the client build JWKS paths from it, never by hand.
 */
public enum KeyPurpose {
    /** Signs passports: the short-lived tokens the gateway hands to the services. */
    PASSPORT,
    /** Signs the key directory's transparency-log tree heads. */
    DIRECTORY,
    /**
     * Signs audit-service's hash-chain checkpoints. Checkpoints are kept for the whole retention of
     * the audit record, so a retired audit key is never destroyed: its public part stays in the
     * JWKS (its private part is erased at retirement like every other).
     */
    AUDIT;

    /** Whether a retired key of this purpose leaves the JWKS once nothing it signed is still valid. */
    public boolean destroyedAfterRetirement() {
        return this != AUDIT;
    }

    /** The path segment of this purpose's JWKS ({@code /jwks/passport}). */
    public String pathSegment() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Where key-service publishes a tenant's public keys of this purpose. */
    public String jwksPath(String tenant) {
        return "/api/keys/tenants/" + tenant + "/jwks/" + pathSegment();
    }

    public static KeyPurpose fromPathSegment(String segment) {
        for (KeyPurpose purpose : values()) {
            if (purpose.pathSegment().equals(segment)) {
                return purpose;
            }
        }
        return null;
    }
}
