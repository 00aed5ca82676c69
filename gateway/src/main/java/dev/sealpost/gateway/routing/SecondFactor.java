package dev.sealpost.gateway.routing;

import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;

/**
 * Whether an access token itself proves a second factor: its {@code amr} (RFC 8176) names one.
 * The passport says {@code 2fa} only then, otherwise {@code password} — never more than the token
 * shows. (Keycloak's realms here require an OTP in their direct-grant flow, but Keycloak 26 puts no
 * {@code amr} into such tokens without further realm setup, so today's passports say password;
 * docs/gateway.md.)
 */
final class SecondFactor {

    private static final Set<String> SECOND_FACTORS = Set.of("otp", "mfa", "hwk", "swk", "sms", "fido");

    private SecondFactor() {
    }

    static boolean provenBy(JsonWebToken token) {
        Object amr = token.getClaim("amr");
        if (!(amr instanceof JsonArray methods)) {
            return false;
        }
        for (JsonValue method : methods) {
            if (method instanceof JsonString name && SECOND_FACTORS.contains(name.getString())) {
                return true;
            }
        }
        return false;
    }
}
