package dev.sealpost.service.events;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;

/**
 * The one way a service builds a Kafka producer for security events: every acknowledgement from all
 * in-sync replicas ({@code acks=all}), idempotent (a retried send is not a duplicate on the broker),
 * and bounded waits so that a send fails instead of hanging when Kafka is away.
 */
public final class SecurityEventProducers {

    private SecurityEventProducers() {
    }

    /** @param kafkaConfig the application's Kafka settings (only the producer's keys are taken) */
    public static KafkaProducer<String, String> create(Map<String, Object> kafkaConfig, String clientId) {
        Map<String, Object> producerConfig = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (ProducerConfig.configNames().contains(key)) {
                producerConfig.put(key, value);
            }
        });
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
    }
}
