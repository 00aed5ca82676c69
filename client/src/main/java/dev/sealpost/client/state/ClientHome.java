package dev.sealpost.client.state;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sealpost.client.ClientException;
import dev.sealpost.client.http.ApiHttp;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The client's directory ({@code $SEALPOST_CLIENT_HOME}, else {@code ~/.sealpost}): one profile per signed-in
 * address, and which one is current. Everything is written owner-only and atomically (a temporary
 * file moved into place), so a crash never leaves half a key file.
 */
public final class ClientHome {

    private static final Pattern ADDRESS = Pattern.compile("[a-z0-9._%+-]{1,64}@[a-z0-9.-]{1,190}\\.[a-z]{2,63}");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path root;

    public ClientHome(Path root) {
        this.root = root;
    }

    /**
     * {@code $SEALPOST_CLIENT_HOME}, else {@code ~/.sealpost}. Not {@code $SEALPOST_HOME}: that names
     * the local stack's folder, and {@code ./sealpost cli} keeps the client's state inside it.
     */
    public static ClientHome fromEnvironment() {
        String configured = System.getenv("SEALPOST_CLIENT_HOME");
        return new ClientHome(configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".sealpost"));
    }

    public Path root() {
        return root;
    }

    public Profile profile(String address) throws ClientException {
        return new Profile(this, root.resolve("profiles").resolve(normalize(address)), normalize(address));
    }

    public Optional<Profile> current() throws ClientException {
        Path current = root.resolve("current");
        if (!Files.exists(current)) {
            return Optional.empty();
        }
        return Optional.of(profile(read(current).trim()));
    }

    public void makeCurrent(Profile profile) throws ClientException {
        write(root.resolve("current"), profile.address());
    }

    public static String normalize(String address) throws ClientException {
        String lower = address == null ? "" : address.trim().toLowerCase(Locale.ROOT);
        if (!ADDRESS.matcher(lower).matches()) {
            throw new ClientException.LocalState("not a mail address: " + address);
        }
        return lower;
    }

    String read(Path file) throws ClientException {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot read " + file, e);
        }
    }

    <T> Optional<T> readJson(Path file, TypeReference<T> type) throws ClientException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ApiHttp.JSON.readValue(file.toFile(), type));
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot read " + file + " (damaged?)", e);
        }
    }

    void writeJson(Path file, Object value) throws ClientException {
        try {
            write(file, ApiHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot encode " + file, e);
        }
    }

    void write(Path file, String text) throws ClientException {
        write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Owner-only, written whole or not at all. */
    void write(Path file, byte[] bytes) throws ClientException {
        try {
            Path directory = file.getParent();
            if (!Files.isDirectory(directory)) {
                if (POSIX) {
                    Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(directory);
                }
            }
            Path temporary = POSIX
                    ? Files.createTempFile(directory, ".tmp-", "", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(directory, ".tmp-", "");
            try {
                Files.write(temporary, bytes);
                try {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot write " + file, e);
        }
    }
}
