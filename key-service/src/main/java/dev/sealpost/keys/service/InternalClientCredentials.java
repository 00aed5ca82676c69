package dev.sealpost.keys.service;

import dev.sealpost.keys.config.KeyServiceConfig;
import dev.sealpost.keys.config.KeyServiceConfig.InternalClient;
import dev.sealpost.service.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the client credentials (HTTP Basic) of the services that call key-service's internal
 * endpoints: the gateway (passports) and audit-service (checkpoint signatures). Secrets are
 * compared in constant time; a previous secret may be accepted during a secret rotation; a client
 * without a configured secret is always refused.
 */
@ApplicationScoped
public class InternalClientCredentials {

    private static final int MIN_SECRET_LENGTH = 24;

    private final KeyServiceConfig config;
    private final RefusalEvents refusals;

    public InternalClientCredentials(KeyServiceConfig config, RefusalEvents refusals) {
        this.config = config;
        this.refusals = refusals;
        if (config.gateway().clientSecret().map(String::length).orElse(0) < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("the gateway client secret must be at least " + MIN_SECRET_LENGTH + " characters");
        }
        if (config.audit().clientSecret().map(String::length).orElse(MIN_SECRET_LENGTH) < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("the audit-service client secret must be at least " + MIN_SECRET_LENGTH + " characters");
        }
    }

    public void requireGateway(String authorization) {
        require(authorization, config.gateway(), "gateway_credential", "/internal/passports");
    }

    public void requireAudit(String authorization) {
        require(authorization, config.audit(), "audit_credential", "/internal/audit-checkpoints");
    }

    private void require(String authorization, InternalClient client, String reason, String endpoint) {
        if (!matches(authorization, client)) {
            refusals.passportRefused(RefusalEvents.UNATTRIBUTED, dev.sealpost.events.SecurityEvent.Actor.SYSTEM, reason, endpoint);
            throw new ProblemException(401, "Unauthorized", "the client credential of " + client.clientId() + " is required",
                    Map.of("WWW-Authenticate", "Basic realm=\"sealpost-internal\""));
        }
    }

    private static boolean matches(String authorization, InternalClient client) {
        if (client.clientSecret().isEmpty() || authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)
                || authorization.length() > 1024) {
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
        boolean idMatches = MessageDigest.isEqual(clientId, client.clientId().getBytes(StandardCharsets.UTF_8));
        boolean secretMatches = equal(secret, client.clientSecret()) | equal(secret, client.previousClientSecret());
        return idMatches & secretMatches;
    }

    private static boolean equal(byte[] presented, Optional<String> configured) {
        return configured.map(value -> MessageDigest.isEqual(presented, value.getBytes(StandardCharsets.UTF_8))).orElse(false);
    }
}
