package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.Randomness;

import java.security.SecureRandom;

/**
 * Every random input of a seal, named, so the published test vectors can fix each one and a second
 * implementation can reproduce the exact bytes. Production code uses {@link #SECURE} only.
 */
interface SealRandomness {

    /** 32 bytes for each sealed copy. */
    byte[] contentKey();

    /** 16 bytes, once per message (all its copies share the id). */
    byte[] messageId();

    /** X-Wing's 64-byte encapsulation seed (the draft's {@code eseed}), once per recipient entry. */
    byte[] encapsulationSeed();

    /** The source of ML-DSA-65's 32 random bytes per signature. */
    SecureRandom signing();

    SealRandomness SECURE = new SealRandomness() {
        @Override
        public byte[] contentKey() {
            return Randomness.bytes(EnvelopeFormat.CONTENT_KEY_LENGTH);
        }

        @Override
        public byte[] messageId() {
            return Randomness.bytes(MessageId.LENGTH);
        }

        @Override
        public byte[] encapsulationSeed() {
            return Randomness.bytes(64);
        }

        @Override
        public SecureRandom signing() {
            return Randomness.secureRandom();
        }
    };
}
