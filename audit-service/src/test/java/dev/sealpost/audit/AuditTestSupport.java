package dev.sealpost.audit;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.testing.SealpostInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

/** What the audit-service tests share: producing events to the real Kafka and reading the real database as its superuser. */
final class AuditTestSupport {

    private AuditTestSupport() {
    }

    /** The running test application's database name. */
    static String database() {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** The superuser, who is not bound by the application role's missing UPDATE and DELETE grants (tampering tests). */
    static Connection superuser() throws Exception {
        return SealpostInfrastructure.postgres().connectAsSuperuser(database());
    }

    /** The first column of the first row of a query, as a number. */
    static long rows(String sql) throws Exception {
        try (Connection db = superuser(); ResultSet row = db.createStatement().executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    /** Sends each event to security-events, keyed as the producers key them, and waits for each acknowledgement. */
    static void produce(List<SecurityEvent> events) throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            for (SecurityEvent event : events) {
                producer.send(new ProducerRecord<>("security-events", event.partitionKey(), SecurityEventCodec.toJson(event))).get();
            }
        }
    }
}
