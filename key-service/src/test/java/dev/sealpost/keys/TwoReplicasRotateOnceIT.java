package dev.sealpost.keys;

import dev.sealpost.testing.DatabaseCoordinates;
import dev.sealpost.testing.LoopbackPorts;
import dev.sealpost.testing.PackagedService;
import dev.sealpost.testing.SealpostInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    private final List<PackagedService> replicas = new ArrayList<>();

    @AfterEach
    void stopReplicas() throws Exception {
        for (PackagedService replica : replicas) {
            replica.close();
        }
    }

    private void start(DatabaseCoordinates database, int port, Path log) throws Exception {
        Map<String, String> env = PackagedService.environment(database, port);
        env.put("SEALPOST_KEK", "dGVzdC1vbmx5LWtlay0wMTIzNDU2Nzg5YWJjZGVmMDE=");
        env.put("SEALPOST_GATEWAY_CLIENT_SECRET", KeyServiceClient.GATEWAY_SECRET);
        env.put("SEALPOST_KEY_ROTATION_PERIOD", PERIOD.toSeconds() + "s");
        env.put("SEALPOST_KEY_PUBLISH_AHEAD", "2s");
        env.put("SEALPOST_KEYS_ROTATION_CHECK_EVERY", "1s");
        env.put("SEALPOST_PASSPORT_LIFETIME", "5s");
        replicas.add(PackagedService.start(env, log));
    }

    @Test
    void aScheduledRotationHappensExactlyOnce() throws Exception {
        DatabaseCoordinates database = SealpostInfrastructure.freshDatabase("key");
        Path logs = Files.createDirectories(Path.of("target/two-replicas"));
        int[] ports = {LoopbackPorts.findFree(), LoopbackPorts.findFree()};
        for (int i = 0; i < 2; i++) {
            start(database, ports[i], logs.resolve("replica-" + i + ".log"));
        }
        for (PackagedService replica : replicas) {
            replica.awaitReady(Duration.ofSeconds(90));
        }
        Instant bothReady = Instant.now();

        // let both schedulers compete through at least three rotations
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> activations(database).size() >= 4 && Instant.now().isAfter(bothReady.plus(PERIOD.multipliedBy(3))));
        for (PackagedService replica : replicas) {
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
