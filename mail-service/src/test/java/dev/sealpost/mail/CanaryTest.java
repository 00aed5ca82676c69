package dev.sealpost.mail;

import dev.sealpost.crypto.Envelope;
import dev.sealpost.crypto.EnvelopeContent;
import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.SealpostInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.sealpost.mail.MailTestSupport.as;
import static dev.sealpost.mail.MailTestSupport.passport;
import static dev.sealpost.mail.MailTestSupport.send;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server holds nothing it could read: a canary in subject, body and attachment is in no table and no Kafka record. */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "mail"), @ResourceArg(name = "passportAudience", value = "mail-service")})
class CanaryTest {

    private static final String CANARY = "canary-" + UUID.randomUUID();

    @Test
    void theCanaryIsNowhereOnTheServer() throws Exception {
        PrivateKeys sender = PrivateKeys.generate();
        PrivateKeys recipient = PrivateKeys.generate();
        String ivan = passport("consumer", "ivan", "ivan@sealpost.test");
        String judy = passport("acme", "judy", "judy@acme.test");
        as(ivan).get("/api/mail/quota").then().statusCode(200);
        as(judy).get("/api/mail/quota").then().statusCode(200);
        byte[] envelope = Envelope.seal(EnvelopeContent.builder().subject("subject " + CANARY)
                .body(("body " + CANARY).getBytes(StandardCharsets.UTF_8))
                .attachment(CANARY + ".txt", "text/plain", ("attachment " + CANARY).getBytes(StandardCharsets.UTF_8)).build(),
                dev.sealpost.crypto.Addressing.to(new dev.sealpost.crypto.Contact("judy@acme.test", recipient.publicBundle())),
                new dev.sealpost.crypto.Mailbox("ivan@sealpost.test", sender)).get(0).envelope();
        String id = send(ivan, envelope, "judy@acme.test").then().statusCode(201).extract().path("messageId");
        // the recipient can read it: the canary is really in there
        String copy = as(judy).get("/api/mail/folders/inbox/messages").path("messages[0].id");
        assertTrue(Envelope.open(as(judy).get("/api/mail/messages/" + copy + "/envelope").asByteArray(),
                new dev.sealpost.crypto.Mailbox("judy@acme.test", recipient),
                new dev.sealpost.crypto.Contact("ivan@sealpost.test", sender.publicBundle())).subject().contains(CANARY));
        as(judy).get("/api/mail/messages/" + copy).then().statusCode(200);

        // every row of every table, as text and as raw bytes
        List<String> tables = new ArrayList<>();
        try (Connection db = MailTestSupport.superuser()) {
            try (ResultSet rows = db.createStatement().executeQuery(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            assertTrue(tables.containsAll(List.of("message", "sealed_envelope", "mailbox", "outbox_event", "send_request")), tables.toString());
            for (String table : tables) {
                try (ResultSet rows = db.createStatement().executeQuery("SELECT t::text FROM \"" + table + "\" t")) {
                    while (rows.next()) {
                        assertFalse(rows.getString(1).contains(CANARY), "canary in table " + table);
                    }
                }
            }
            try (ResultSet rows = db.createStatement().executeQuery("SELECT bytes FROM sealed_envelope")) {
                while (rows.next()) {
                    assertFalse(new String(rows.getBytes(1), StandardCharsets.ISO_8859_1).contains(CANARY), "canary in an envelope");
                }
            }
        }

        // every record on the topic, once the events of this send are published
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "canary-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("security-events", "security-events-dlq"));
            boolean[] sawSend = {false};
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String value = new String(record.value(), StandardCharsets.UTF_8);
                    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                    assertFalse(value.contains(CANARY) || key.contains(CANARY), "canary on Kafka");
                    sawSend[0] |= value.contains(id);
                }
                return sawSend[0];
            });
            assertEquals(true, sawSend[0]);
        }
    }
}
