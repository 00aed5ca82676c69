package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.ByteWriter;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * key-service's signed statement "the audit record of {@code tenant} had {@code position} events and
 * its hash chain ended in {@code chainHash} at {@code timestampMillis}". Signed with Ed25519 by the
 * tenant's audit signing key (JWKS purpose {@code audit}). Someone who rewrites the record and
 * recomputes every chain hash still cannot make it match a checkpoint signed before.
 *
 * <pre>signed bytes = "sealpost/v1/audit-checkpoint" || 0x00 || u16 len || tenant (UTF-8) || u64 position
 *                || u64 timestamp_ms || chain_hash (32)</pre>
 */
public record AuditCheckpoint(String tenant, long position, long timestampMillis, byte[] chainHash, byte[] signature) {

    public static final int HASH_LENGTH = 32;
    private static final byte[] LABEL = "sealpost/v1/audit-checkpoint".getBytes(StandardCharsets.US_ASCII);

    public static byte[] toBeSigned(String tenant, long position, long timestampMillis, byte[] chainHash) {
        byte[] tenantBytes = tenant.getBytes(StandardCharsets.UTF_8);
        if (chainHash == null || chainHash.length != HASH_LENGTH || position < 1 || tenantBytes.length == 0 || tenantBytes.length > 255) {
            throw new IllegalArgumentException("a tenant, a position from 1 and a 32-byte chain hash");
        }
        return new ByteWriter(LABEL.length + 3 + tenantBytes.length + 16 + HASH_LENGTH).bytes(LABEL).u8(0).u16(tenantBytes.length)
                .bytes(tenantBytes).u64(position).u64(timestampMillis).bytes(chainHash).toByteArray();
    }

    /** True only if the signature verifies with this Ed25519 JWK (see {@link Ed25519PublicJwk#parse}). */
    public boolean verify(Map<String, String> jwk) {
        byte[] message;
        try {
            message = toBeSigned(tenant, position, timestampMillis, chainHash);
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
        return Ed25519PublicJwk.verify(jwk, message, signature);
    }
}
