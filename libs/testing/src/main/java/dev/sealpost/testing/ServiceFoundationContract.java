package dev.sealpost.testing;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every Sealpost service must do from its first day: health, readiness against the real
 * PostgreSQL and Kafka, OpenAPI, Prometheus metrics, Flyway-migrated schema and problem+json errors.
 * Each service's test extends this with {@code @QuarkusTest} and {@link PostgresAndKafkaResource}; the
 * gateway's with {@link KafkaResource} and {@link #hasDatabase()} false.
 */
public abstract class ServiceFoundationContract {

    /** The service's name as in quarkus.application.name, e.g. "mail-service". */
    protected abstract String serviceName();

    /** Whether the service has a database of its own (libs/outbox); the gateway has none. */
    protected boolean hasDatabase() {
        return true;
    }

    @Test
    void livenessIsUp() {
        ManagementInterface.given().when().get("/q/health/live")
                .then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessChecksThePostgresAndKafkaItUses() {
        ManagementInterface.given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Kafka topic for security events"))
                .body("checks.name", hasDatabase() ? hasItems("PostgreSQL") : not(hasItems("PostgreSQL")))
                .body("checks.find { it.name == 'Kafka topic for security events' }.data.topic",
                        equalTo("security-events"));
    }

    @Test
    void openApiDescribesTheService() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("info.title", equalTo("Sealpost " + serviceName()));
    }

    @Test
    void prometheusMetricsAreExposed() {
        ManagementInterface.given().when().get("/q/metrics")
                .then().statusCode(200)
                // Prometheus text or OpenMetrics, whichever the scraper asks for
                .contentType(anyOf(startsWith("text/plain"), startsWith("application/openmetrics-text")))
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("http_server_requests_seconds"));
    }

    @Test
    void unknownResourceIsAProblemJson404() {
        given().when().get("/api/v1/no-such-resource")
                .then().statusCode(404)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(404))
                .body("title", equalTo("Not Found"));
    }

    @Test
    void flywayMigratedTheSharedSchema() throws SQLException {
        var config = ConfigProvider.getConfig();
        if (!hasDatabase()) {
            assertTrue(config.getOptionalValue("quarkus.datasource.jdbc.url", String.class).isEmpty(), "no datasource at all");
            return;
        }
        try (Connection connection = DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
            List<String> versions = new ArrayList<>();
            while (rs.next()) {
                assertTrue(rs.getBoolean("success"), "migration " + rs.getString("version") + " failed");
                versions.add(rs.getString("version"));
            }
            assertEquals("1.0", versions.get(0), "the shared outbox migration runs first");
        }
    }

    /**
     * An HTTP/2 client (h2c, prior knowledge) is told it may have at most 100 requests in flight on a
     * connection (SETTINGS_MAX_CONCURRENT_STREAMS): without it one connection could hold the heap.
     */
    @Test
    void http2ConnectionsMayCarryAtMostAHundredRequestsAtOnce() throws java.io.IOException {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            var out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // our SETTINGS: empty
            out.flush();
            var in = new java.io.DataInputStream(socket.getInputStream());
            byte[] header = new byte[9];
            in.readFully(header);
            int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
            assertEquals(4, header[3], "the server's first frame is its SETTINGS");
            byte[] settings = new byte[length];
            in.readFully(settings);
            Long maxConcurrentStreams = null;
            for (int i = 0; i + 6 <= length; i += 6) {
                int id = ((settings[i] & 0xff) << 8) | (settings[i + 1] & 0xff);
                long value = java.nio.ByteBuffer.wrap(settings, i + 2, 4).getInt() & 0xffffffffL;
                if (id == 3) {
                    maxConcurrentStreams = value;
                }
            }
            assertEquals(100L, maxConcurrentStreams);
        }
    }
}
