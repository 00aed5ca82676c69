package dev.sealpost.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The real key-service (its packaged application, built earlier in the reactor) on its own database,
 * for the tests of services that call it. Init args name the properties the service under test reads:
 * {@code urlProperty} (key-service's base URL) and optionally {@code auditSecretProperty} (audit-service's
 * client secret at key-service). The gateway's client secret is {@link #GATEWAY_SECRET}.
 */
public class KeyServiceProcessResource implements QuarkusTestResourceLifecycleManager {

    public static final String AUDIT_SECRET = "test-only-audit-secret-0123456789";
    public static final String GATEWAY_SECRET = "test-only-gateway-secret-0123456789";
    private PackagedService keyService;
    private String urlProperty;
    private String auditSecretProperty;

    @Override
    public void init(Map<String, String> initArgs) {
        urlProperty = initArgs.getOrDefault("urlProperty", "sealpost.key-service.url");
        auditSecretProperty = initArgs.get("auditSecretProperty");
    }

    @Override
    public Map<String, String> start() {
        try {
            DatabaseCoordinates database = SealpostInfrastructure.freshDatabase("key");
            int port = LoopbackPorts.findFree();
            Map<String, String> env = PackagedService.environment(database, port);
            env.put("SEALPOST_KEK", "dGVzdC1vbmx5LWtlay0wMTIzNDU2Nzg5YWJjZGVmMDE=");
            env.put("SEALPOST_GATEWAY_CLIENT_SECRET", GATEWAY_SECRET);
            env.put("SEALPOST_AUDIT_CLIENT_SECRET", AUDIT_SECRET);
            // key-service's own security events go elsewhere: the tests count exactly the events they produce
            String topic = "key-service-events-" + port;
            SealpostInfrastructure.kafka().createTopics(java.util.List.of(topic), 1);
            env.put("SEALPOST_EVENTS_TOPIC", topic);
            keyService = PackagedService.start(Path.of("../key-service/target/quarkus-app/quarkus-run.jar"), env,
                    Path.of("target/test-logs/key-service-process.log"));
            keyService.awaitReady(Duration.ofSeconds(90));
            Map<String, String> config = new java.util.HashMap<>(Map.of(urlProperty, "http://127.0.0.1:" + port));
            if (auditSecretProperty != null) {
                config.put(auditSecretProperty, AUDIT_SECRET);
            }
            return config;
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
