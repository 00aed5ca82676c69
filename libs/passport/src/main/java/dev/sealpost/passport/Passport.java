package dev.sealpost.passport;

import java.time.Instant;
import java.util.Set;

/**
 * A verified passport: the short-lived, tenant-scoped identity the gateway hands to the services.
 *
 * @param tenant    the tenant named by the issuer (and repeated in the {@code tenant} claim)
 * @param issuer    the tenant's passport issuer URL
 * @param subject   a stable user id derived from the external (issuer, subject); never an e-mail
 * @param audience  the one service this passport is for
 * @param roles     the user's roles in the tenant
 * @param acr       authentication strength the gateway saw ({@code "2fa"} or {@code "password"})
 * @param address   the mail address the identity provider verified for this user, if any (lower case);
 *                  informational — authorization binds addresses to {@code subject}, never the reverse
 * @param expiresAt when it stops being valid
 * @param keyId     the signing key that signed it
 */
public record Passport(String tenant, String issuer, String subject, String audience, Set<String> roles, String acr,
        String address, Instant expiresAt, String keyId) {

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
