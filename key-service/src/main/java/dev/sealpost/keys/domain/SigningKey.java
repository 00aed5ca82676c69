package dev.sealpost.keys.domain;

import dev.sealpost.crypto.KeyPurpose;

import java.time.Instant;

/**
 * One row of {@code signing_key}. {@code sealedPrivateKey} and {@code kekId} are null once the key
 * no longer signs; the private part is never held here in the clear.
 */
public record SigningKey(String kid, String tenant, KeyPurpose purpose, SigningKeyState state, byte[] publicKey,
        byte[] sealedPrivateKey, String kekId, Instant createdAt, Instant activatedAt, Instant retiredAt, Instant destroyAfter) {
}
