package dev.sealpost.crypto;

/**
 * A version 2 envelope's head, verified from a prefix of the envelope: the signed manifest and the
 * subject, without the body or attachments. Only {@link Envelope#openHead} creates one.
 */
public record OpenedHead(Fingerprint sender, Manifest manifest, String subject) {
}
