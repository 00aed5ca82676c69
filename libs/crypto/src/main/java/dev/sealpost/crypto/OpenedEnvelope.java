package dev.sealpost.crypto;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** The verified plaintext of an envelope. Only {@link Envelope#open} creates one, after every check passed. */
public final class OpenedEnvelope {

    private final int version;
    private final Fingerprint sender;
    private final Manifest manifest;
    private final List<byte[]> parts;

    OpenedEnvelope(int version, Fingerprint sender, Manifest manifest, List<byte[]> parts) {
        this.version = version;
        this.sender = sender;
        this.manifest = manifest;
        this.parts = parts;
    }

    /** The envelope format: 2, or 1 for mail sealed before manifests existed. */
    public int version() {
        return version;
    }

    public Fingerprint sender() {
        return sender;
    }

    /** The signed manifest; empty for a version 1 envelope, whose date, addresses and names were never signed. */
    public Optional<Manifest> manifest() {
        return Optional.ofNullable(manifest);
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
