package dev.sealpost.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service's packaged application ({@code target/quarkus-app/quarkus-run.jar}) run as its own
 * process on the test infrastructure, for tests that need what a test JVM cannot do to itself:
 * several replicas, or a {@code kill -9} in the middle of work.
 */
public final class PackagedService implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int managementPort;

    private PackagedService(Process process, int managementPort) {
        this.process = process;
        this.managementPort = managementPort;
    }

    /**
     * The environment every service needs: its HTTP port on the loopback interface, its database and
     * the Kafka broker (its management port is chosen by {@link #start}). Add service-specific
     * variables to the returned (mutable) map.
     */
    public static Map<String, String> environment(DatabaseCoordinates database, int port) {
        return new HashMap<>(Map.of(
                "SEALPOST_HTTP_PORT", Integer.toString(port),
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "SEALPOST_DB_HOST", database.host(),
                "SEALPOST_DB_PORT", Integer.toString(database.port()),
                "SEALPOST_DB_NAME", database.database(),
                "SEALPOST_DB_USER", database.username(),
                "SEALPOST_DB_PASSWORD", database.password(),
                "SEALPOST_KAFKA_BOOTSTRAP_SERVERS", SealpostInfrastructure.kafka().bootstrapServers()));
    }

    /** Starts the module's packaged application (run from the module directory, as Maven does). */
    public static PackagedService start(Map<String, String> environment, Path log) throws IOException {
        return start(Path.of("target/quarkus-app/quarkus-run.jar"), environment, log);
    }

    /**
     * Starts another module's packaged application, e.g. {@code ../key-service/target/quarkus-app/quarkus-run.jar}
     * (the reactor builds modules in the order of the parent POM, so it is packaged before a later module's tests).
     */
    public static PackagedService start(Path jar, Map<String, String> environment, Path log) throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package the service first: " + jar.toAbsolutePath());
        }
        int port = Integer.parseInt(environment.get("SEALPOST_HTTP_PORT"));
        LoopbackPorts.requireFree(port, "service under test");
        // health and metrics answer on the management interface, a port of its own
        int managementPort = environment.containsKey("SEALPOST_MANAGEMENT_PORT") ? Integer.parseInt(environment.get("SEALPOST_MANAGEMENT_PORT"))
                : LoopbackPorts.findFree();
        LoopbackPorts.requireFree(managementPort, "management interface of the service under test");
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx192m", "-jar",
                jar.toString());
        builder.environment().putAll(environment);
        builder.environment().put("SEALPOST_MANAGEMENT_PORT", Integer.toString(managementPort));
        Files.createDirectories(log.toAbsolutePath().getParent());
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new PackagedService(builder.start(), managementPort);
    }

    /** The base URL of the service's management interface (health, metrics). */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until readiness answers UP; fails if the process exits or the time runs out. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!ready()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + " before it was ready");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the service was not ready within " + timeout);
            }
            process.waitFor(250, TimeUnit.MILLISECONDS);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no final commit — the crash a consumer must survive. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** A graceful stop (SIGTERM), forced after 20 seconds. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
