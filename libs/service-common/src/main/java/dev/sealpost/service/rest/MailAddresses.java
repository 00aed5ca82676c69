package dev.sealpost.service.rest;

import java.util.Locale;
import java.util.regex.Pattern;

/** Mail addresses as Sealpost stores them: lower case, a conservative shape, at most 254 characters. */
public final class MailAddresses {

    private static final Pattern SHAPE = Pattern.compile("[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(\\.[a-z0-9-]{1,63})+");

    private MailAddresses() {
    }

    /** The address in canonical form, or a 400 problem naming (the start of) what was given. */
    public static String normalize(String address) {
        String lower = address == null ? "" : address.trim().toLowerCase(Locale.ROOT);
        if (lower.length() > 254 || !SHAPE.matcher(lower).matches()) {
            throw ProblemException.badRequest("not a mail address: " + (lower.length() > 64 ? lower.substring(0, 64) + "…" : lower));
        }
        return lower;
    }
}
