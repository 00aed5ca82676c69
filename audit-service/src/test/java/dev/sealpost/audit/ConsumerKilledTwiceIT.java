package dev.sealpost.audit;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.testing.DatabaseCoordinates;
import dev.sealpost.testing.LoopbackPorts;
import dev.sealpost.testing.PackagedService;
import dev.sealpost.testing.SealpostInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * No loss: 50,000 events are produced while the packaged audit-service is killed with SIGKILL
 * twice in the middle of consuming them and started again; afterwards exactly 50,000 rows exist,
 * and the tenant's hash chain has no gap (positions 1..50,000).
 */
class ConsumerKilledTwiceIT {

    private static final int EVENTS = 50_000;
    private final List<PackagedService> started = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (PackagedService service : started) {
            service.close();
        }
    }

    private PackagedService start(DatabaseCoordinates database, String topic, int run) throws Exception {
        int port = LoopbackPorts.findFree();
        Map<String, String> env = PackagedService.environment(database, port);
        env.put("SEALPOST_EVENTS_TOPIC", topic);
        PackagedService service = PackagedService.start(env, Path.of("target/consumer-killed-twice/run-" + run + ".log"));
        started.add(service);
        service.awaitReady(Duration.ofSeconds(90));
        return service;
    }

    @Test
    void fiftyThousandEventsTwoKillsExactlyFiftyThousandRows() throws Exception {
        DatabaseCoordinates database = SealpostInfrastructure.freshDatabase("audit");
        String topic = "security-events-killed-" + UUID.randomUUID().toString().substring(0, 8);
        String tenant = "consumer";
        SealpostInfrastructure.kafka().createTopics(List.of(topic), 3);
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(topic, tenant));

        PackagedService first = start(database, topic, 1);
        await().atMost(Duration.ofSeconds(120)).until(() -> stored(database) >= 5_000);
        first.kill();
        long afterFirstKill = stored(database);

        PackagedService second = start(database, topic, 2);
        await().atMost(Duration.ofSeconds(120)).until(() -> stored(database) >= afterFirstKill + 10_000);
        second.kill();

        start(database, topic, 3);
        producing.join();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> stored(database) >= EVENTS);
        // give redeliveries of the last uncommitted offsets time to arrive: they must not add rows
        await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);

        try (Connection db = connect(database);
             ResultSet row = db.createStatement().executeQuery("SELECT count(*), count(DISTINCT id), min(seq), max(seq) FROM audit_event "
                     + "WHERE tenant = '" + tenant + "'")) {
            row.next();
            assertEquals(EVENTS, row.getLong(1), "rows");
            assertEquals(EVENTS, row.getLong(2), "distinct events");
            assertEquals(1, row.getLong(3), "the chain starts at 1");
            assertEquals(EVENTS, row.getLong(4), "the chain has no gap and no duplicate position");
        }
    }

    private static void produce(String topic, String tenant) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < EVENTS; i++) {
                SecurityEvent.Actor actor = new SecurityEvent.Actor("https://issuer.test/" + tenant, "user-" + (i % 100), null);
                SecurityEvent event = SecurityEvent.of(SecurityEventType.MAILBOX_ACCESSED, "mail-service").tenant(tenant).actor(actor)
                        .target("n=" + i).build();
                producer.send(new ProducerRecord<>(topic, event.partitionKey(), SecurityEventCodec.toJson(event)));
                if (i % 5_000 == 4_999) {
                    producer.flush(); // spread the events over the kills instead of one burst
                }
            }
            producer.flush();
        }
    }

    private static Connection connect(DatabaseCoordinates database) throws Exception {
        return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
    }

    private static long stored(DatabaseCoordinates database) throws Exception {
        try (Connection db = connect(database);
             ResultSet row = db.createStatement().executeQuery("SELECT count(*) FROM audit_event")) {
            row.next();
            return row.getLong(1);
        } catch (java.sql.SQLException e) {
            return 0; // not migrated yet
        }
    }
}
