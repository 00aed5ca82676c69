package dev.sealpost.audit;

import dev.sealpost.testing.DatabaseCoordinates;
import dev.sealpost.testing.LoopbackPorts;
import dev.sealpost.testing.PackagedService;
import dev.sealpost.testing.SealpostInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The real key-service (its packaged application, built earlier in the reactor) on its own database,
 * for tests that need checkpoint signatures; audit-service is pointed at it with its client secret.
 */
public class KeyServiceProcessResource implements QuarkusTestResourceLifecycleManager {

    static final String AUDIT_SECRET = "test-only-audit-secret-0123456789";
    private PackagedService keyService;

    @Override
    public Map<String, String> start() {
        try {
            DatabaseCoordinates database = SealpostInfrastructure.freshDatabase("key");
            int port = LoopbackPorts.findFree();
            Map<String, String> env = PackagedService.environment(database, port);
            env.put("SEALPOST_KEK", "dGVzdC1vbmx5LWtlay0wMTIzNDU2Nzg5YWJjZGVmMDE=");
            env.put("SEALPOST_GATEWAY_CLIENT_SECRET", "test-only-gateway-secret-0123456789");
            env.put("SEALPOST_AUDIT_CLIENT_SECRET", AUDIT_SECRET);
            // key-service's own security events go elsewhere: the tests count exactly the events they produce
            String topic = "key-service-events-" + port;
            SealpostInfrastructure.kafka().createTopics(java.util.List.of(topic), 1);
            env.put("SEALPOST_EVENTS_TOPIC", topic);
            keyService = PackagedService.start(Path.of("../key-service/target/quarkus-app/quarkus-run.jar"), env,
                    Path.of("target/test-logs/key-service-for-audit-tests.log"));
            keyService.awaitReady(Duration.ofSeconds(90));
            return Map.of("sealpost.audit.key-service.url", "http://127.0.0.1:" + port,
                    "sealpost.audit.key-service.client-secret", AUDIT_SECRET);
        } catch (Exception e) {
            throw new IllegalStateException("could not start key-service for the audit tests", e);
        }
    }

    @Override
    public void stop() {
        try {
            if (keyService != null) {
                keyService.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
