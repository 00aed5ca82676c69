package dev.sealpost.crypto;

import java.nio.charset.StandardCharsets;

/**
 * Every purpose an identity key signs for, in one place. The purpose's label is part of what is
 * signed (as the ML-DSA context and as a prefix of the Ed25519 message), so a signature made for one
 * purpose can never be replayed as another.
 */
enum SignaturePurpose {
    /** A public bundle signed by its own identity key. */
    PUBLIC_BUNDLE("sealpost/v1/public-bundle"),
    /** A version 1 envelope's header and ciphertext digests, signed by the sender. */
    ENVELOPE("sealpost/v1/envelope"),
    /** A version 2 envelope's header and the digests of all its parts. */
    ENVELOPE_V2("sealpost/v2/envelope"),
    /** A version 2 envelope's head: header, manifest and subject, so an inbox can verify them from a prefix. */
    ENVELOPE_HEAD("sealpost/v2/envelope-head");

    private final byte[] label;

    SignaturePurpose(String label) {
        this.label = label.getBytes(StandardCharsets.US_ASCII);
    }

    byte[] label() {
        return label.clone();
    }
}
