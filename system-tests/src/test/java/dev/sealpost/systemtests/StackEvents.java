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

    /** Every record value of every topic on the broker, from the beginning (for the canary: no plaintext may be in any). */
    static List<byte[]> everyRecordOfEveryTopic(int kafkaPort) throws Exception {
        List<byte[]> values = new ArrayList<>();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort,
                ConsumerConfig.GROUP_ID_CONFIG, "system-test-dump-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            consumer.listTopics(Duration.ofSeconds(20)).forEach((topic, infos) -> infos.forEach(info ->
                    partitions.add(new org.apache.kafka.common.TopicPartition(topic, info.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(20));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        values.add(record.value());
                    }
                    if (record.key() != null) {
                        values.add(record.key());
                    }
                }
            }
        }
        return values;
    }
}
