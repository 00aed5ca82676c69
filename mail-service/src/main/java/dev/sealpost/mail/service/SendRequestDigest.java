package dev.sealpost.mail.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * What an Idempotency-Key was used for: SHA-256 of the send's recipients (normalized, in order)
 * and its envelope's bytes. A retry must carry the same request; the same key with another message
 * is a client's mistake that would otherwise be answered "already sent" for a message never stored.
 * (As the IETF draft on the Idempotency-Key header asks: a key reused with another payload is refused.)
 */
final class SendRequestDigest {

    private final byte[] bytes;

    private SendRequestDigest(byte[] bytes) {
        this.bytes = bytes;
    }

    static SendRequestDigest of(List<String> recipients, byte[] envelope) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        for (String recipient : recipients) {
            // addresses hold no newline (MailAddresses), so the list is read back one way only
            sha256.update(recipient.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) '\n');
        }
        sha256.update((byte) 0);
        sha256.update(envelope);
        return new SendRequestDigest(sha256.digest());
    }

    /** Whether an earlier send's digest is this one; a send recorded before digests were kept (null) matches. */
    boolean matches(byte[] earlier) {
        return earlier == null || MessageDigest.isEqual(bytes, earlier);
    }

    byte[] bytes() {
        return bytes.clone();
    }
}
