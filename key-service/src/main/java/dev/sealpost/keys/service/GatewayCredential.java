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

    public GatewayCredential(KeyServiceConfig config) {
        this.config = config;
        if (config.gateway().clientSecret().length() < 24) {
            throw new IllegalStateException("the gateway client secret must be at least 24 characters");
        }
    }

    public void require(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6) || authorization.length() > 1024) {
            throw challenge();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw challenge();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw challenge();
        }
        byte[] clientId = decoded.substring(0, colon).getBytes(StandardCharsets.UTF_8);
        byte[] secret = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        boolean idMatches = MessageDigest.isEqual(clientId, config.gateway().clientId().getBytes(StandardCharsets.UTF_8));
        boolean secretMatches = MessageDigest.isEqual(secret, config.gateway().clientSecret().getBytes(StandardCharsets.UTF_8))
                | config.gateway().previousClientSecret()
                        .map(previous -> MessageDigest.isEqual(secret, previous.getBytes(StandardCharsets.UTF_8))).orElse(false);
        if (!(idMatches & secretMatches)) {
            throw challenge();
        }
    }

    private static ProblemException challenge() {
        return new ProblemException(401, "Unauthorized", "the gateway's client credential is required",
                Map.of("WWW-Authenticate", "Basic realm=\"sealpost-internal\""));
    }
}
