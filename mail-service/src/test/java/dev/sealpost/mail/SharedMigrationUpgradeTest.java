package dev.sealpost.mail;

import dev.sealpost.testing.DatabaseCoordinates;
import dev.sealpost.testing.SealpostInfrastructure;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A database made before a shared migration (db/common, 1.x) was added is already past it (the
 * service's own 2.x): the service must still apply it, and carry the data over. Here: mail-service's
 * database as it was before V1_1 (pending events as a published_at column), then the service's
 * migrations as they are now.
 */
class SharedMigrationUpgradeTest {

    @Test
    void aSharedMigrationAddedLaterRunsInAnExistingDatabaseAndKeepsItsPendingEvents(@TempDir Path before) throws Exception {
        assertEquals("true", sharedConfig("quarkus.flyway.out-of-order"), "the services apply a later shared migration out of order");
        DatabaseCoordinates db = SealpostInfrastructure.postgres()
                .createDatabase("mail_upgrade_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
        String url = "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.database();
        // the migrations of the older build: the first shared one and every one of mail-service's
        try (InputStream outbox = getClass().getResourceAsStream("/db/common/V1_0__outbox_event.sql");
             Stream<Path> own = Files.list(Path.of(getClass().getResource("/db/migration").toURI()))) {
            Files.copy(outbox, before.resolve("V1_0__outbox_event.sql"));
            for (Path migration : own.toList()) {
                Files.copy(migration, before.resolve(migration.getFileName()));
            }
        }
        Flyway.configure().dataSource(url, db.username(), db.password()).locations("filesystem:" + before).load().migrate();
        UUID pending = UUID.randomUUID();
        UUID published = UUID.randomUUID();
        try (Connection connection = DriverManager.getConnection(url, db.username(), db.password())) {
            connection.createStatement().execute("INSERT INTO outbox_event (id, partition_key, event_type, payload, published_at) VALUES "
                    + "('" + pending + "', 'test|upgrade', 'MESSAGE_SENT', '{}', NULL), "
                    + "('" + published + "', 'test|upgrade', 'MESSAGE_SENT', '{}', now())");
        }

        FluentConfiguration now = Flyway.configure().dataSource(url, db.username(), db.password())
                .locations("classpath:db/common", "classpath:db/migration");
        assertFalse(now.load().validateWithResult().validationSuccessful, "without out-of-order Flyway refuses the database");
        MigrateResult upgrade = now.outOfOrder(true).load().migrate();

        assertEquals(1, upgrade.migrationsExecuted);
        assertEquals("1.1", upgrade.migrations.get(0).version);
        try (Connection connection = DriverManager.getConnection(url, db.username(), db.password())) {
            Set<UUID> stillPending = new HashSet<>();
            try (ResultSet rows = connection.createStatement().executeQuery("SELECT id FROM outbox_pending")) {
                while (rows.next()) {
                    stillPending.add((UUID) rows.getObject(1));
                }
            }
            assertEquals(Set.of(pending), stillPending, "the unpublished event is pending, the published one is not");
            try (ResultSet column = connection.createStatement().executeQuery("SELECT count(*) FROM information_schema.columns "
                    + "WHERE table_name = 'outbox_event' AND column_name = 'published_at'")) {
                column.next();
                assertEquals(0, column.getLong(1));
            }
        }
    }

    /** A setting of the configuration every service shares (service-common's microprofile-config.properties). */
    private static String sharedConfig(String key) throws Exception {
        for (java.net.URL file : Collections.list(SharedMigrationUpgradeTest.class.getClassLoader()
                .getResources("META-INF/microprofile-config.properties"))) {
            Properties properties = new Properties();
            try (InputStream in = file.openStream()) {
                properties.load(in);
            }
            if (properties.containsKey("quarkus.flyway.locations")) {
                return properties.getProperty(key);
            }
        }
        throw new IllegalStateException("service-common's configuration is not on the classpath");
    }
}
