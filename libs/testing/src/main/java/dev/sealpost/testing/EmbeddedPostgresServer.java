package dev.sealpost.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL 17 server from the zonky embedded binaries, on a free loopback port.
 *
 * <p>Zonky given a fixed port does not fail when that port is already taken: its readiness check
 * then talks to whichever server holds the port. So the port is checked free right before start,
 * and after start the server's own {@code data_directory} must be the folder we created —
 * otherwise someone else's server answered and we stop at once.
 *
 * <p>Running as root works because zonky starts initdb and postgres under {@code unshare -U}.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    public static EmbeddedPostgresServer start() {
        try {
            Path dataDirectory = Files.createTempDirectory("sealpost-pg-").toRealPath();
            int port = LoopbackPorts.findFree();
            LoopbackPorts.requireFree(port, "PostgreSQL");
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(true)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    // test data is disposable: trade durability for speed, never in the local stack
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, dataDirectory);
            server.verifyItIsOurs();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** Creates a database owned by a new login role with a random password. */
    public DatabaseCoordinates createDatabase(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must match " + IDENTIFIER.pattern());
        }
        String password = HexFormat.of().formatHex(randomBytes());
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'");
            statement.execute("CREATE DATABASE " + name + " OWNER " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return new DatabaseCoordinates("127.0.0.1", port(), name, name, password);
    }

    /**
     * A connection as the superuser to {@code database}: for tests that play an attacker or an
     * operator with direct database access (bypassing the application role's limits).
     */
    public Connection connectAsSuperuser(String database) throws SQLException {
        if (!IDENTIFIER.matcher(database).matches()) {
            throw new IllegalArgumentException("database name must match " + IDENTIFIER.pattern());
        }
        return postgres.getDatabase("postgres", database).getConnection();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private void verifyItIsOurs() throws IOException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_setting('data_directory')")) {
            rs.next();
            Path reported = Path.of(rs.getString(1)).toRealPath();
            if (!reported.equals(dataDirectory)) {
                postgres.close();
                throw new IllegalStateException("port " + port() + " is answered by another PostgreSQL (data directory "
                        + reported + ", expected " + dataDirectory + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("embedded PostgreSQL did not answer on port " + port(), e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
