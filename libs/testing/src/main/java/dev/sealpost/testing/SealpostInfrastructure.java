package dev.sealpost.testing;

import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PostgreSQL server and one Kafka broker per test JVM, started on first use and stopped when the
 * JVM exits. Quarkus may start and stop a test resource several times in one run (once per test
 * profile); restarting Kafka and PostgreSQL each time would cost seconds for nothing, and each start
 * still gets its own fresh database.
 */
public final class SealpostInfrastructure {

    private static EmbeddedPostgresServer postgres;
    private static KafkaBroker kafka;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private SealpostInfrastructure() {
    }

    public static synchronized EmbeddedPostgresServer postgres() {
        if (postgres == null) {
            postgres = EmbeddedPostgresServer.start();
            Runtime.getRuntime().addShutdownHook(new Thread(SealpostInfrastructure::stopPostgres, "stop-postgres"));
        }
        return postgres;
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = KafkaBroker.start();
            Runtime.getRuntime().addShutdownHook(new Thread(SealpostInfrastructure::stopKafka, "stop-kafka"));
        }
        return kafka;
    }

    /** A new, empty database whose name starts with {@code prefix}. */
    public static DatabaseCoordinates freshDatabase(String prefix) {
        return postgres().createDatabase(prefix + "_" + DATABASES.incrementAndGet());
    }

    /**
     * A superuser connection to the database of the application under test (the one its
     * {@code quarkus.datasource.jdbc.url} names): what an operator with direct access could do.
     */
    public static Connection superuserOfApplication() throws SQLException {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        return postgres().connectAsSuperuser(url.substring(url.lastIndexOf('/') + 1));
    }

    private static synchronized void stopPostgres() {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    private static synchronized void stopKafka() {
        if (kafka != null) {
            try {
                kafka.close();
            } catch (Exception e) {
                // the JVM is exiting; the broker's temp folder is removed by the test kit
            }
            kafka = null;
        }
    }
}
