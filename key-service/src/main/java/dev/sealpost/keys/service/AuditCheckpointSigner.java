package dev.sealpost.keys.service;

import dev.sealpost.crypto.AuditCheckpoint;
import dev.sealpost.crypto.KeyPurpose;
import dev.sealpost.passport.Ed25519Keys;
import dev.sealpost.service.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;

/**
 * Signs audit-service's hash-chain checkpoints with the tenant's audit key. key-service does not
 * see the events; it vouches only that this tenant's chain had this hash at this position at this
 * time, so a later rewrite of the record cannot be made to match.
 */
@ApplicationScoped
public class AuditCheckpointSigner {

    /** What audit-service asks to have signed. */
    public record Request(String tenant, Long position, String chainHash) {
    }

    /** The signed checkpoint; chainHash and signature base64url without padding. */
    public record Signed(String tenant, long position, long timestampMillis, String chainHash, String kid, String signature) {
    }

    private final ActiveSigningKeys activeKeys;
    private final Tenants tenants;

    public AuditCheckpointSigner(ActiveSigningKeys activeKeys, Tenants tenants) {
        this.activeKeys = activeKeys;
        this.tenants = tenants;
    }

    public Signed sign(Request request) {
        if (request == null || request.tenant() == null || !tenants.holdsKeys(request.tenant(), KeyPurpose.AUDIT)) {
            throw ProblemException.badRequest("an existing tenant (or the pseudo-tenant of unattributed events) is required");
        }
        if (request.position() == null || request.position() < 1) {
            throw ProblemException.badRequest("position counts from 1");
        }
        byte[] hash;
        try {
            hash = Base64.getUrlDecoder().decode(request.chainHash() == null ? "" : request.chainHash());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("chainHash must be base64url");
        }
        if (hash.length != AuditCheckpoint.HASH_LENGTH) {
            throw ProblemException.badRequest("chainHash must be 32 bytes");
        }
        ActiveSigningKeys.Signer signer = activeKeys.signer(request.tenant(), KeyPurpose.AUDIT)
                .orElseThrow(() -> new ProblemException(503, "Service Unavailable", "no active audit key yet"));
        long now = System.currentTimeMillis();
        try {
            Signature signature = Signature.getInstance("Ed25519", Ed25519Keys.provider());
            signature.initSign(signer.privateKey());
            signature.update(AuditCheckpoint.toBeSigned(request.tenant(), request.position(), now, hash));
            Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
            return new Signed(request.tenant(), request.position(), now, base64.encodeToString(hash), signer.kid(),
                    base64.encodeToString(signature.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing a checkpoint failed", e);
        }
    }
}
