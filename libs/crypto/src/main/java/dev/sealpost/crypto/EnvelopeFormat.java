package dev.sealpost.crypto;

/** Identifiers and limits of envelope format version 1; docs/crypto.md describes it byte by byte. */
public final class EnvelopeFormat {

    /** "SPEN" */
    static final byte[] MAGIC = {0x53, 0x50, 0x45, 0x4E};
    public static final int VERSION = 1;

    /** HPKE KEM id of X-Wing (draft-connolly-cfrg-xwing-kem). */
    static final int KEM_X_WING = 0x647a;
    /** HPKE KDF id of HKDF-SHA256 (RFC 9180). */
    static final int KDF_HKDF_SHA256 = 0x0001;
    /** HPKE AEAD id of AES-256-GCM (RFC 9180). */
    static final int AEAD_AES_256_GCM = 0x0002;
    /** Content encryption: AES-256-GCM in fixed-size segments, a key per part (Sealpost). */
    static final int CONTENT_AES_256_GCM_SEGMENTED = 0x0001;

    public static final int MAX_RECIPIENTS = 64;
    public static final int MAX_ATTACHMENTS = 64;
    public static final long MAX_PART_LENGTH = 50L * 1024 * 1024;
    public static final int MIN_SEGMENT_SIZE = 4 * 1024;
    public static final int MAX_SEGMENT_SIZE = 4 * 1024 * 1024;
    /** Default plaintext bytes per segment; chosen by benchmark, see docs/crypto.md. */
    public static final int DEFAULT_SEGMENT_SIZE = 64 * 1024;

    static final int CONTENT_KEY_LENGTH = 32;
    static final int X_WING_ENCAPSULATION_LENGTH = 1120;
    /** HPKE ciphertext of the 32-byte content key: key plus 16-byte tag. */
    static final int WRAPPED_KEY_LENGTH = CONTENT_KEY_LENGTH + 16;
    static final int TAG_LENGTH = 16;
    static final int RECIPIENT_ENTRY_LENGTH = Fingerprint.LENGTH + X_WING_ENCAPSULATION_LENGTH + WRAPPED_KEY_LENGTH;
    static final int MAX_HEADER_LENGTH = 2 * 4 + 4 + Fingerprint.LENGTH + 1 + MAX_RECIPIENTS * RECIPIENT_ENTRY_LENGTH
            + 1 + (MAX_ATTACHMENTS + 2) * 9;

    static final byte[] HPKE_INFO = "sealpost/v1/content-key".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final byte[] PART_KEY_INFO = "sealpost/v1/part-key".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private EnvelopeFormat() {
    }

    static long ciphertextLength(long plaintextLength, int segmentSize) {
        return plaintextLength + dev.sealpost.crypto.internal.SegmentedAead.segmentCount(plaintextLength, segmentSize) * TAG_LENGTH;
    }
}
