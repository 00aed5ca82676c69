package dev.sealpost.systemtests;

import dev.sealpost.testing.LoopbackPorts;
import dev.sealpost.testing.PackagedService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A second gateway process (the packaged gateway of this build) in front of the running local stack,
 * configured like the stack's own (its secrets, database, Kafka, Keycloak and services) plus the
 * settings a test needs: what an operator gets when they scale the gateway out with other limits.
 * Started after a test changed a realm, it reads the realm's keys afresh.
 */
final class GatewayReplica implements AutoCloseable {

    private final PackagedService process;
    private final int port;

    private GatewayReplica(PackagedService process, int port) {
        this.process = process;
        this.port = port;
    }

    static GatewayReplica start(Path root, Path home, Map<String, Integer> ports, Map<String, String> settings) throws Exception {
        Map<String, String> secrets = new HashMap<>();
        for (String line : Files.readAllLines(home.resolve("secrets.env"))) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                secrets.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        int port = LoopbackPorts.findFree();
        String keycloak = "http://localhost:" + ports.get("KEYCLOAK");
        Map<String, String> environment = new HashMap<>(Map.of(
                "SEALPOST_HTTP_PORT", Integer.toString(port),
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "SEALPOST_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + ports.get("KAFKA"),
                "SEALPOST_GATEWAY_CLIENT_SECRET", secrets.get("GATEWAY_CLIENT_SECRET")));
        environment.putAll(Map.of(
                "SEALPOST_KEY_SERVICE_URL", "http://127.0.0.1:" + ports.get("KEY_SERVICE"),
                "SEALPOST_MAIL_SERVICE_URL", "http://127.0.0.1:" + ports.get("MAIL_SERVICE"),
                "SEALPOST_AUDIT_SERVICE_URL", "http://127.0.0.1:" + ports.get("AUDIT_SERVICE"),
                "SEALPOST_CONSUMER_ISSUER", keycloak + "/realms/consumer",
                "SEALPOST_ACME_ISSUER", keycloak + "/realms/acme"));
        environment.putAll(settings);
        PackagedService process = PackagedService.start(root.resolve("gateway/target/quarkus-app/quarkus-run.jar"), environment,
                home.resolve("logs/gateway-replica-" + port + ".log"));
        GatewayReplica replica = new GatewayReplica(process, port);
        try {
            process.awaitReady(Duration.ofSeconds(90));
        } catch (InterruptedException | RuntimeException e) {
            replica.close();
            throw e;
        }
        return replica;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
