package dev.sealpost.service.health;

import dev.sealpost.service.config.EventsConfig;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ready only when the broker answers and the security-events topic exists. A service that cannot
 * record security events must not take traffic (fail closed), so this is a readiness check, not a
 * liveness one: Kubernetes stops routing to the pod but does not restart it.
 */
@Readiness
@ApplicationScoped
public class SecurityEventsTopicReadinessCheck implements AsyncHealthCheck {

    static final String NAME = "Kafka topic for security events";

    private final Admin admin;
    private final EventsConfig config;

    public SecurityEventsTopicReadinessCheck(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            EventsConfig config) {
        this.config = config;
        this.admin = Admin.create(adminConfig(kafkaConfig, config));
    }

    private static Map<String, Object> adminConfig(Map<String, Object> kafkaConfig, EventsConfig config) {
        Map<String, Object> adminConfig = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                adminConfig.put(key, value);
            }
        });
        int timeoutMs = (int) config.readinessTimeout().toMillis();
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "readiness-check");
        return adminConfig;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        String topic = config.topic();
        return Uni.createFrom()
                .completionStage(() -> admin.describeTopics(List.of(topic)).allTopicNames().toCompletionStage())
                .ifNoItem().after(config.readinessTimeout()).fail()
                .map(topics -> {
                    TopicDescription description = topics.get(topic);
                    return HealthCheckResponse.named(NAME).up()
                            .withData("topic", topic)
                            .withData("partitions", description.partitions().size())
                            .build();
                })
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("topic", topic)
                        .withData("error", failure.getClass().getSimpleName())
                        .build());
    }

    @PreDestroy
    void close() {
        admin.close();
    }
}
