package dev.sealpost.keys.service;

import dev.sealpost.keys.config.KeyServiceConfig;
import dev.sealpost.service.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

/**
 * Checks the gateway's client credential (HTTP Basic) on the internal passport endpoint. Secrets
 * are compared in constant time; a previous secret may be accepted during a secret rotation.
 */
@ApplicationScoped
public class GatewayCredential {

    private final KeyServiceConfig config;
    private final RefusalEvents refusals;

    public GatewayCredential(KeyServiceConfig config, RefusalEvents refusals) {
        this.config = config;
        this.refusals = refusals;
        if (config.gateway().clientSecret().length() < 24) {
            throw new IllegalStateException("the gateway client secret must be at least 24 characters");
        }
    }

    public void require(String authorization) {
        if (!matches(authorization)) {
            refusals.passportRefused(RefusalEvents.UNATTRIBUTED, dev.sealpost.events.SecurityEvent.Actor.SYSTEM,
                    "gateway_credential", "/internal/passports");
            throw challenge();
        }
    }

    private boolean matches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6) || authorization.length() > 1024) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        byte[] clientId = decoded.substring(0, colon).getBytes(StandardCharsets.UTF_8);
        byte[] secret = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        boolean idMatches = MessageDigest.isEqual(clientId, config.gateway().clientId().getBytes(StandardCharsets.UTF_8));
        boolean secretMatches = MessageDigest.isEqual(secret, config.gateway().clientSecret().getBytes(StandardCharsets.UTF_8))
                | config.gateway().previousClientSecret()
                        .map(previous -> MessageDigest.isEqual(secret, previous.getBytes(StandardCharsets.UTF_8))).orElse(false);
        return idMatches & secretMatches;
    }

    private static ProblemException challenge() {
        return new ProblemException(401, "Unauthorized", "the gateway's client credential is required",
                Map.of("WWW-Authenticate", "Basic realm=\"sealpost-internal\""));
    }
}
