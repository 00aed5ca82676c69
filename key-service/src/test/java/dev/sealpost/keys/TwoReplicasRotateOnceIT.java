package dev.sealpost.keys;

import dev.sealpost.testing.DatabaseCoordinates;
import dev.sealpost.testing.LoopbackPorts;
import dev.sealpost.testing.SealpostInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two key-service processes (the packaged application) on one database, rotating every 6 seconds
 * and checking every second: each rotation happens once — never two activations in one period,
 * never a duplicate event — however the two schedulers interleave.
 */
class TwoReplicasRotateOnceIT {

    private static final Duration PERIOD = Duration.ofSeconds(6);
    private final List<Process> replicas = new ArrayList<>();

    @AfterEach
    void stopReplicas() throws Exception {
        for (Process replica : replicas) {
            replica.destroy();
        }
        for (Process replica : replicas) {
            if (!replica.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                replica.destroyForcibly();
            }
        }
    }

    private Process start(DatabaseCoordinates database, int port, Path log) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.exists(jar), "the packaged application " + jar.toAbsolutePath());
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx192m", "-jar", jar.toString());
        Map<String, String> env = builder.environment();
        env.putAll(new HashMap<>(Map.of(
                "SEALPOST_HTTP_PORT", Integer.toString(port),
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "SEALPOST_DB_HOST", database.host(),
                "SEALPOST_DB_PORT", Integer.toString(database.port()),
                "SEALPOST_DB_NAME", database.database(),
                "SEALPOST_DB_USER", database.username(),
                "SEALPOST_DB_PASSWORD", database.password(),
                "SEALPOST_KAFKA_BOOTSTRAP_SERVERS", SealpostInfrastructure.kafka().bootstrapServers(),
                "SEALPOST_KEK", "dGVzdC1vbmx5LWtlay0wMTIzNDU2Nzg5YWJjZGVmMDE=",
                "SEALPOST_GATEWAY_CLIENT_SECRET", KeyServiceClient.GATEWAY_SECRET)));
        env.put("SEALPOST_KEY_ROTATION_PERIOD", PERIOD.toSeconds() + "s");
        env.put("SEALPOST_KEY_PUBLISH_AHEAD", "2s");
        env.put("SEALPOST_KEY_ROTATION_CHECK_EVERY", "1s");
        env.put("SEALPOST_PASSPORT_LIFETIME", "5s");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        replicas.add(process);
        return process;
    }

    private static boolean ready(HttpClient client, int port) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void aScheduledRotationHappensExactlyOnce() throws Exception {
        DatabaseCoordinates database = SealpostInfrastructure.freshDatabase("key");
        Path logs = Files.createDirectories(Path.of("target/two-replicas"));
        int[] ports = {LoopbackPorts.findFree(), LoopbackPorts.findFree()};
        for (int i = 0; i < 2; i++) {
            start(database, ports[i], logs.resolve("replica-" + i + ".log"));
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> ready(http, ports[0]) && ready(http, ports[1]));
        Instant bothReady = Instant.now();

        // let both schedulers compete through at least three rotations
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> activations(database).size() >= 4 && Instant.now().isAfter(bothReady.plus(PERIOD.multipliedBy(3))));
        for (Process replica : replicas) {
            assertTrue(replica.isAlive(), "both replicas kept running");
        }

        List<Instant> activated = activations(database);
        for (int i = 1; i < activated.size(); i++) {
            Duration gap = Duration.between(activated.get(i - 1), activated.get(i));
            assertFalse(gap.compareTo(PERIOD) < 0, "two activations within one period: " + activated);
        }
        try (Connection db = connect(database); Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM outbox_event WHERE event_type = 'SIGNING_KEY_ACTIVATED' "
                     + "AND payload->>'tenant' = 'consumer' AND payload->>'target' LIKE 'passport-key:%'")) {
            rows.next();
            assertEquals(activations(database).size(), rows.getInt(1), "one activation event per activation");
        }
        for (int i = 0; i < 2; i++) {
            String log = Files.readString(logs.resolve("replica-" + i + ".log"));
            assertFalse(log.contains("Signing-key lifecycle step failed"), "replica " + i + " had a failed step:\n" + log);
        }
    }

    private static Connection connect(DatabaseCoordinates database) throws Exception {
        return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
    }

    private static List<Instant> activations(DatabaseCoordinates database) throws Exception {
        List<Instant> activated = new ArrayList<>();
        try (Connection db = connect(database); Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("SELECT activated_at FROM signing_key WHERE tenant = 'consumer' "
                     + "AND purpose = 'PASSPORT' AND activated_at IS NOT NULL ORDER BY activated_at")) {
            while (rows.next()) {
                activated.add(rows.getTimestamp(1).toInstant());
            }
        } catch (java.sql.SQLException e) {
            // not migrated yet
        }
        return activated;
    }
}
