package dev.sealpost.crypto;

/** Identifiers and limits of the envelope formats (version 2 is written, 1 is still read); docs/crypto.md describes them byte by byte. */
public final class EnvelopeFormat {

    /** "SPEN" */
    static final byte[] MAGIC = {0x53, 0x50, 0x45, 0x4E};
    /** The version new envelopes are written in. */
    public static final int VERSION = 2;
    /** The first format: still opened, never written. */
    public static final int VERSION_1 = 1;

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

    /** v2: the parts before the head signature (manifest and subject), readable from a prefix of the envelope. */
    static final int HEAD_PARTS = 2;
    static final int KEY_COMMITMENT_LENGTH = 32;
    /** v2 header: v1's fields plus the key commitment after the sender; the manifest is one more part. */
    static final int MAX_HEADER_LENGTH_V2 = MAX_HEADER_LENGTH + KEY_COMMITMENT_LENGTH + 9;
    /** Upper bound of an encoded manifest (64 recipients, 64 attachments with long names), so it fits in memory. */
    public static final int MAX_MANIFEST_LENGTH = 2 * 1024 * 1024;

    static final byte[] HPKE_INFO = ascii("sealpost/v1/content-key");
    static final byte[] PART_KEY_INFO = ascii("sealpost/v1/part-key");
    static final byte[] HPKE_INFO_V2 = ascii("sealpost/v2/content-key");
    static final byte[] PART_KEY_INFO_V2 = ascii("sealpost/v2/part-key");
    static final byte[] KEY_COMMITMENT_INFO = ascii("sealpost/v2/key-commitment");

    private EnvelopeFormat() {
    }

    private static byte[] ascii(String label) {
        return label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    static long ciphertextLength(long plaintextLength, int segmentSize) {
        return plaintextLength + dev.sealpost.crypto.internal.SegmentedAead.segmentCount(plaintextLength, segmentSize) * TAG_LENGTH;
    }
}
