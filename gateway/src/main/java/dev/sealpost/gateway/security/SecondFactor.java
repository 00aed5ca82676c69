package dev.sealpost.gateway.security;

import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Whether an access token itself proves a second factor: its {@code amr} (RFC 8176) names one.
 * The passport says {@code 2fa} only then, otherwise {@code password} — never more than the token
 * shows. The local realms name each completed step in {@code amr} (Keycloak's AMR mapper with a
 * reference value per authenticator: {@code pwd}, {@code otp}; docs/gateway.md).
 */
public final class SecondFactor {

    private static final Set<String> SECOND_FACTORS = Set.of("otp", "mfa", "hwk", "swk", "sms", "fido");

    private SecondFactor() {
    }

    public static boolean provenBy(JsonWebToken token) {
        // the claim arrives as a JSON array, a collection or (from some providers) a single string
        Object amr = token.getClaim("amr");
        Iterable<?> methods = amr instanceof JsonArray array ? array
                : amr instanceof Collection<?> collection ? collection
                : amr == null ? List.of() : List.of(amr);
        for (Object method : methods) {
            String name = method instanceof JsonString string ? string.getString() : String.valueOf(method);
            if (SECOND_FACTORS.contains(name)) {
                return true;
            }
        }
        return false;
    }
}
