package dev.sealpost.gateway.events;

import dev.sealpost.gateway.config.GatewayConfig;
import dev.sealpost.gateway.security.RevokedSessions;
import dev.sealpost.gateway.security.SessionRevocation;
import dev.sealpost.service.events.SecurityEventProducers;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How the gateway's replicas learn of every ended session: Keycloak sends each back-channel logout
 * to one of them, which publishes it on the {@code session-revocations} topic before it answers;
 * every replica (the publisher too) reads the whole topic, each for itself (no consumer group), and
 * on start from {@code remember-ended} ago, so a replica that starts late still refuses what ended
 * before. Until that first read has caught up, the replica is not ready ({@code isCaughtUp}).
 */
@ApplicationScoped
public class SessionRevocationFeed {

    private static final Logger LOG = Logger.getLogger(SessionRevocationFeed.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(5);

    private final RevokedSessions revoked;
    private final String topic;
    private final Duration rememberEnded;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Thread reader;
    private volatile boolean caughtUp;
    private volatile boolean running = true;

    public SessionRevocationFeed(RevokedSessions revoked, GatewayConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.revoked = revoked;
        this.topic = config.sessions().topic();
        this.rememberEnded = config.sessions().rememberEnded();
        this.producer = SecurityEventProducers.create(kafka, "gateway-session-revocations");
        Map<String, Object> consumerConfig = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key) && !key.equals(ConsumerConfig.GROUP_ID_CONFIG)) {
                consumerConfig.put(key, value);
            }
        });
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "gateway-session-revocations");
        this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer());
        this.reader = new Thread(this::readLoop, "gateway-session-revocations");
        this.reader.setDaemon(true);
    }

    void start(@Observes StartupEvent startup) {
        reader.start();
    }

    /** Whether the ended sessions of the last {@code remember-ended} are all known here. */
    public boolean isCaughtUp() {
        return caughtUp;
    }

    /**
     * Applies the revocation here and hands it to the other replicas; true once Kafka acknowledged it.
     * False (Kafka away) leaves it applied on this replica only, and the caller says so to Keycloak.
     */
    public boolean publish(SessionRevocation revocation) {
        revoked.add(revocation);
        try {
            producer.send(new ProducerRecord<>(topic, revocation.issuer() + "\n" + revocation.subject(), toJson(revocation)))
                    .get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.warnf("an ended session could not be passed on to the other replicas: %s", e.getClass().getSimpleName());
            return false;
        }
    }

    private void readLoop() {
        try {
            read();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void read() {
        while (running) {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(info -> new TopicPartition(topic, info.partition())).toList();
                if (partitions.isEmpty()) {
                    throw new IllegalStateException("the topic " + topic + " does not exist");
                }
                consumer.assign(partitions);
                seekToRememberedWindow(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
                while (running) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                        apply(record.value());
                    }
                    if (!caughtUp && end.entrySet().stream().allMatch(partition -> consumer.position(partition.getKey()) >= partition.getValue())) {
                        caughtUp = true;
                        LOG.info("ended sessions of the remembered window read; the gateway refuses their tokens");
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("reading ended sessions failed (will retry): %s %s", e.getClass().getSimpleName(), e.getMessage());
                pause();
            }
        }
    }

    private void seekToRememberedWindow(List<TopicPartition> partitions) {
        long since = Instant.now().minus(rememberEnded).toEpochMilli();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query, Duration.ofSeconds(10));
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = offsets.get(partition);
            if (offset == null) {
                consumer.seekToEnd(List.of(partition));
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
    }

    private void apply(String value) {
        try {
            JsonObject json = new JsonObject(value);
            revoked.add(new SessionRevocation(json.getString("issuer"), json.getString("subject"), json.getString("session"),
                    Instant.ofEpochMilli(json.getLong("endedAt"))));
        } catch (RuntimeException e) {
            LOG.warn("an unreadable record on the session-revocations topic was skipped");
        }
    }

    private static String toJson(SessionRevocation revocation) {
        return new JsonObject().put("issuer", revocation.issuer()).put("subject", revocation.subject())
                .put("session", revocation.session()).put("endedAt", revocation.endedAt().toEpochMilli()).encode();
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        consumer.wakeup();
        producer.close(Duration.ofSeconds(5));
    }
}
