package dev.sealpost.client.mail;

import dev.sealpost.client.state.LocalFiles;
import dev.sealpost.crypto.Manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A message opened on this client: every signature and tag verified before any of this existed.
 * The attachments are files in a private temporary directory (opened without holding them in
 * memory); {@link #close()} deletes it. {@code manifest} is empty for format 1 mail, whose date,
 * recipients and attachment names were never signed. {@code senderKeyVersion} names the logged key
 * of the sender that signed it.
 */
public record OpenedMessage(MessageSummary summary, int formatVersion, Optional<Manifest> manifest, String subject, byte[] body,
        List<OpenedAttachment> attachments, String senderFingerprint, long senderKeyVersion, Path directory) implements AutoCloseable {

    /** An attachment as its sender named and typed it (format 1: attachment-N), and where its plaintext is now. */
    public record OpenedAttachment(String name, String mediaType, long length, Path file) {
    }

    /**
     * Copies the attachments into {@code folder} under their names made safe ({@link SafeFileNames}):
     * never outside the folder, never over an existing file. Returns the files written.
     */
    public List<Path> saveAttachments(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path real = folder.toRealPath();
        Set<String> taken = new HashSet<>();
        List<Path> saved = new ArrayList<>();
        for (OpenedAttachment attachment : attachments) {
            Path target = SafeFileNames.place(real, attachment.name(), taken);
            Files.copy(attachment.file(), target);
            saved.add(target);
        }
        return saved;
    }

    /** Deletes the decrypted files; a failure to do so is not silent. */
    @Override
    public void close() {
        try {
            LocalFiles.deleteTree(directory);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot delete the opened message in " + directory, e);
        }
    }
}
