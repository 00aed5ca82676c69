package dev.sealpost.keys.domain;

import java.util.Locale;

/** Every purpose a tenant signing key can have, in one place. A key signs for exactly one purpose. */
public enum KeyPurpose {
    /** Signs passports: the short-lived tokens the gateway hands to the services. */
    PASSPORT,
    /** Signs the key directory's transparency-log tree heads. */
    DIRECTORY;

    /** The path segment of this purpose's JWKS ({@code /jwks/passport}). */
    public String pathSegment() {
        return name().toLowerCase(Locale.ROOT);
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
