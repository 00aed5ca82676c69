package dev.sealpost.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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


/** The local stack's security-events topic, read from its start (JSON as the services publish it). */
final class StackEvents {

    private StackEvents() {
    }

    /** The events matching the filter once at least {@code atLeast} are there (or after 45 s), plus any that arrive within a second after. */
    static List<JsonNode> matching(int kafkaPort, Predicate<JsonNode> filter, int atLeast) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> matching = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort,
                ConsumerConfig.GROUP_ID_CONFIG, "system-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("security-events"));
            // not a failure when fewer arrive: the caller's assertion then shows which are missing
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            while (matching.size() < atLeast && System.nanoTime() < deadline) {
                collect(consumer, json, filter, matching, Duration.ofMillis(300));
            }
            collect(consumer, json, filter, matching, Duration.ofSeconds(1));
        }
        return matching;
    }

    private static void collect(KafkaConsumer<String, String> consumer, ObjectMapper json, Predicate<JsonNode> filter, List<JsonNode> into,
            Duration wait) throws Exception {
        for (ConsumerRecord<String, String> record : consumer.poll(wait)) {
            JsonNode event = json.readTree(record.value());
            if (filter.test(event)) {
                into.add(event);
            }
        }
    }
}
