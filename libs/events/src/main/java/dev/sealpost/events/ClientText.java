package dev.sealpost.events;

/**
 * Text that may have come from a client, made safe to store in an event. PostgreSQL refuses a NUL in
 * {@code text} and in {@code jsonb} (SQLSTATE 22021, 22P05), so a NUL in a header or a parameter that an
 * event records would make the event — and with it the change it belongs to, or the record of a
 * refusal — fail to be written: an attacker could erase their own trace. Control characters are
 * therefore stored as the visible escape {@code \\uXXXX}. Escaping is idempotent (its output has nothing left
 * to escape), because an event passes the constructor again wherever it is decoded; a backslash is
 * therefore kept as it is, and a value sent as the text {@code \\u0000} reads the same as an escaped NUL.
 */
public final class ClientText {

    private ClientText() {
    }

    /** Whether {@code c} is a C0 control character, DEL or a C1 control character. */
    public static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** {@code value} with control characters and lone surrogates escaped; the same instance when there is nothing to escape. */
    public static String escaped(String value) {
        if (value == null) {
            return null;
        }
        int first = firstToEscape(value);
        if (first < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 8).append(value, 0, first);
        for (int i = first; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isControl(c) || Character.isSurrogate(c) && !pairedSurrogate(value, i)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int firstToEscape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isControl(c) || Character.isSurrogate(c) && !pairedSurrogate(value, i)) {
                return i;
            }
        }
        return -1;
    }

    /** A lone surrogate has no UTF-8 form: PostgreSQL would receive a replacement or refuse it. */
    private static boolean pairedSurrogate(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }
}
