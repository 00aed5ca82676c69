package dev.sealpost.audit;

import dev.sealpost.testing.DatabaseFaults;
import dev.sealpost.testing.ManagementInterface;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.SealpostInfrastructure;
import dev.sealpost.testing.TestPassportIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.sealpost.audit.AuditTestSupport.database;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PostgreSQL unavailable for 30 s while events keep coming: nothing is dead-lettered, readiness goes
 * DOWN while the batch waits, and every event is stored once the database is back.
 */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "audit"), @ResourceArg(name = "passportAudience", value = "audit-service")})
class DatabaseOutageTest {

    private static final int EVENTS = 500;

    private static long stored(String database, String subject) throws Exception {
        try (Connection db = SealpostInfrastructure.postgres().connectAsSuperuser(database);
             ResultSet row = db.createStatement().executeQuery("SELECT count(*) FROM audit_event WHERE actor_subject = '" + subject + "'")) {
            row.next();
            return row.getLong(1);
        }
    }

    @Test
    void aThirtySecondOutageDelaysEventsLosesNoneAndDeadLettersNone() throws Exception {
        String database = database();
        String subject = "u-outage-" + UUID.randomUUID();
        SecurityEvent.Actor actor = new SecurityEvent.Actor(TestPassportIssuer.get().issuer("consumer"), subject, "outage@sealpost.test");
        ManagementInterface.given().get("/q/health/ready").then().statusCode(200);

        DatabaseFaults.takeAway(database);
        Instant away = Instant.now();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < EVENTS; i++) {
                SecurityEvent event = SecurityEvent.of(SecurityEventType.MESSAGE_SENT, "mail-service").tenant("consumer").actor(actor)
                        .target("outage-" + i).build();
                producer.send(new ProducerRecord<>("security-events", event.partitionKey(), SecurityEventCodec.toJson(event)));
            }
            producer.flush();
        }
        try {
            // the consumer holds the batch and retries; its own readiness check reports it (stuck-after is 5 s in
            // tests), not only the datasource check
            await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "DOWN".equals(ManagementInterface.given().get("/q/health/ready").jsonPath()
                            .getString("checks.find { it.name == 'security-events consumer progress' }.status")));
            await().pollDelay(Duration.ofSeconds(30).minus(Duration.between(away, Instant.now()))).atMost(Duration.ofSeconds(31)).until(() -> true);
        } finally {
            DatabaseFaults.bringBack(database);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> stored(database, subject) == EVENTS);
        await().atMost(Duration.ofSeconds(20)).until(() -> ManagementInterface.given().get("/q/health/ready").statusCode() == 200);
        try (KafkaConsumer<String, String> dlq = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "outage-dlq-" + subject, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            dlq.subscribe(List.of("security-events-dlq"));
            long ours = 0;
            Instant until = Instant.now().plusSeconds(5);
            while (Instant.now().isBefore(until)) {
                for (ConsumerRecord<String, String> record : dlq.poll(Duration.ofMillis(500))) {
                    ours += record.value() != null && record.value().contains(subject) ? 1 : 0;
                }
            }
            assertEquals(0, ours, "a database outage must never dead-letter an event");
        }
    }
}
