package dev.sealpost.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The verified plaintext of an envelope opened from a file: one file per part in a directory of its
 * own, named subject, body, attachment-1, …: the manifest's attachment names are the sender's and
 * untrusted, so the caller decides how to name saved files. Only
 * {@link Envelope#open(Path, Mailbox, Contact, Path)} creates one, after every check passed and every
 * part decrypted.
 */
public final class OpenedFiles {

    private final Fingerprint sender;
    private final Manifest manifest;
    private final Path directory;
    private final List<Path> parts;

    OpenedFiles(Fingerprint sender, Manifest manifest, Path directory, List<Path> parts) {
        this.sender = sender;
        this.manifest = manifest;
        this.directory = directory;
        this.parts = List.copyOf(parts);
    }

    /** Content part {@code partIndex}: 0 subject, 1 body, then attachments. */
    static String fileName(int partIndex) {
        return switch (partIndex) {
            case 0 -> "subject";
            case 1 -> "body";
            default -> "attachment-" + (partIndex - 1);
        };
    }

    public Fingerprint sender() {
        return sender;
    }

    /** The signed manifest; empty for a version 1 envelope. */
    public Optional<Manifest> manifest() {
        return Optional.ofNullable(manifest);
    }

    /** The directory that holds the part files; the caller owns it and deletes it when done. */
    public Path directory() {
        return directory;
    }

    public String subject() throws IOException {
        return Files.readString(parts.get(0), StandardCharsets.UTF_8);
    }

    public Path body() {
        return parts.get(1);
    }

    public List<Path> attachments() {
        return parts.subList(2, parts.size());
    }
}
