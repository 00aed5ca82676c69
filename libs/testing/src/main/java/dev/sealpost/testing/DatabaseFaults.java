package dev.sealpost.testing;

import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Faults of the real embedded PostgreSQL: one service's database taken away (connections refused and ended,
 * as when the server is down), or the whole server frozen (its processes stopped with SIGSTOP, as when the
 * host hangs: connections stay open and nothing answers).
 */
public final class DatabaseFaults {

    private DatabaseFaults() {
    }

    /** The database of the service under test (from its JDBC URL). */
    public static String database() {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** Refuses new connections to {@code database} and ends the ones it has. */
    public static void takeAway(String database) throws SQLException {
        try (Connection admin = SealpostInfrastructure.postgres().connectAsSuperuser("postgres");
             Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
        }
    }

    public static void bringBack(String database) throws SQLException {
        try (Connection admin = SealpostInfrastructure.postgres().connectAsSuperuser("postgres");
             Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
        }
    }

    /**
     * Stops the whole PostgreSQL server with SIGSTOP, as when its host hangs: first the process that accepts
     * connections (so that no backend is forked meanwhile), then every process it started. Connections stay
     * open and new ones are accepted by the kernel; nothing answers. Closing the returned handle lets it go on.
     */
    public static Frozen freeze() throws SQLException, IOException, InterruptedException {
        long postmaster;
        try (Connection admin = SealpostInfrastructure.postgres().connectAsSuperuser("postgres");
             Statement statement = admin.createStatement();
             ResultSet own = statement.executeQuery("SELECT pg_backend_pid()")) {
            own.next();
            // a backend's parent is the postmaster, which accepts (and forks for) every new connection
            postmaster = ProcessHandle.of(own.getLong(1)).orElseThrow().parent().orElseThrow().pid();
        }
        List<Long> pids = new ArrayList<>(List.of(postmaster));
        signal("-STOP", pids);
        ProcessHandle.of(postmaster).orElseThrow().children().forEach(child -> pids.add(child.pid()));
        Frozen frozen = new Frozen(pids);
        try {
            signal("-STOP", pids.subList(1, pids.size()));
        } catch (IOException | RuntimeException e) {
            frozen.close();
            throw e;
        }
        return frozen;
    }

    /** Frozen server processes; {@link #close()} sends them SIGCONT. */
    public static final class Frozen implements AutoCloseable {
        private final List<Long> pids;

        private Frozen(List<Long> pids) {
            this.pids = List.copyOf(pids);
        }

        @Override
        public void close() throws IOException, InterruptedException {
            signal("-CONT", pids);
        }
    }

    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes());
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + signal + " " + pids + " failed: " + output);
        }
    }
}
