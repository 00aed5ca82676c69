package dev.sealpost.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Quarkus test resource pointing a process without a database (the gateway) at the real in-JVM
 * Kafka broker. Init arguments: {@code kafka=unreachable} points it at a port where no broker
 * listens; {@code passportAudience=mail-service} trusts TestPassportIssuer's tenants for that audience.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    /** Init argument {@code kafka=unreachable}: point the service at a port where no broker listens. */
    public static final String KAFKA_UNREACHABLE = "unreachable";

    private boolean kafkaUnreachable;
    private String passportAudience;

    @Override
    public void init(Map<String, String> initArgs) {
        kafkaUnreachable = KAFKA_UNREACHABLE.equals(initArgs.get("kafka"));
        passportAudience = initArgs.get("passportAudience");
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafkaUnreachable
                ? "127.0.0.1:" + LoopbackPorts.findFree()
                : SealpostInfrastructure.kafka().bootstrapServers());
        if (passportAudience != null) {
            config.putAll(TestPassportIssuer.get().config(passportAudience));
        }
        return config;
    }

    @Override
    public void stop() {
        // Kafka lives for the whole JVM; see SealpostInfrastructure
    }
}
