package dev.sealpost.gateway;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.testing.SealpostInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** Reads the security-events topic of the test Kafka from its start, as the audit-service would. */
final class SecurityEventsTopic {

    private SecurityEventsTopic() {
    }

    /** Every event matching the filter, once at least {@code atLeast} arrived (or fails after 30 s); also the raw records. */
    static List<String> awaitRaw(Predicate<SecurityEvent> filter, int atLeast) {
        List<String> matching = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "gateway-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("security-events"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (filter.test(SecurityEventCodec.fromJson(record.value()))) {
                        matching.add(record.value());
                    }
                }
                return matching.size() >= atLeast;
            });
            // whatever else is already there (to catch duplicates)
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                if (filter.test(SecurityEventCodec.fromJson(record.value()))) {
                    matching.add(record.value());
                }
            }
        }
        return matching;
    }

    static List<SecurityEvent> events(Predicate<SecurityEvent> filter, int atLeast) {
        return awaitRaw(filter, atLeast).stream().map(SecurityEventCodec::fromJson).toList();
    }
}
