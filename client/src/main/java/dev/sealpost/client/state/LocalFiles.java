package dev.sealpost.client.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing the client's private temporary files (sealed copies, opened messages) when done with them. */
public final class LocalFiles {

    private LocalFiles() {
    }

    /** Deletes {@code path} and, for a directory, everything under it; null and absent paths are fine. */
    public static void deleteTree(Path path) throws IOException {
        if (path == null || !Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The same, for cleanup after another failure or of files the OS would clean anyway. */
    public static void deleteTreeQuietly(Path path) {
        try {
            deleteTree(path);
        } catch (IOException ignored) {
            // a private temporary file; the original outcome is what the caller reports
        }
    }
}
