package dev.sealpost.crypto.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The shape of a mail address in a manifest, and the one way two addresses are compared. */
public final class Addresses {

    /** RFC 5321 allows 254 octets in a path; UTF-8 local parts (RFC 6531) may use more bytes per character. */
    public static final int MAX_BYTES = 320;

    private Addresses() {
    }

    /** Whether {@code address} may appear in a manifest: local@domain, no spaces or control characters, at most {@value #MAX_BYTES} bytes. */
    public static boolean isValid(String address) {
        if (address == null || address.isEmpty() || address.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return false;
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return false;
        }
        return address.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT);
    }

    /** Addresses are compared case-insensitively, as the mail service stores them. */
    public static String normalized(String address) {
        return address.toLowerCase(Locale.ROOT);
    }
}
