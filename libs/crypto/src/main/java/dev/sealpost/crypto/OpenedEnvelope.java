package dev.sealpost.crypto;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The verified plaintext of an envelope. Only {@link Envelope#open} creates one, after every check passed. */
public final class OpenedEnvelope {

    private final Fingerprint sender;
    private final List<byte[]> parts;

    OpenedEnvelope(Fingerprint sender, List<byte[]> parts) {
        this.sender = sender;
        this.parts = parts;
    }

    public Fingerprint sender() {
        return sender;
    }

    public String subject() {
        return new String(parts.get(0), StandardCharsets.UTF_8);
    }

    public byte[] body() {
        return parts.get(1).clone();
    }

    public List<byte[]> attachments() {
        return parts.subList(2, parts.size()).stream().map(byte[]::clone).toList();
    }
}
