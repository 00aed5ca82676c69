package dev.sealpost.keys.service;

import dev.sealpost.service.rest.ProblemException;

import java.util.Locale;
import java.util.regex.Pattern;

/** Mail addresses as the directory stores them: lower case, a conservative shape, at most 254 characters. */
public final class Addresses {

    private static final Pattern SHAPE = Pattern.compile("[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(\\.[a-z0-9-]{1,63})+");

    private Addresses() {
    }

    /** The address in canonical form, or a 400 problem. */
    public static String normalize(String address) {
        if (address == null || address.length() > 254) {
            throw ProblemException.badRequest("an address of at most 254 characters is required");
        }
        String lower = address.trim().toLowerCase(Locale.ROOT);
        if (!SHAPE.matcher(lower).matches()) {
            throw ProblemException.badRequest("not a mail address this directory accepts");
        }
        return lower;
    }
}
