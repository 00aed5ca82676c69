package dev.sealpost.events;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The record a relay and the gateway's buffer send: keyed by tenant, typed in a header, the event as JSON. */
class SecurityEventRecordsTest {

    @Test
    void aRecordCarriesThePartitionKeyTheTypeAndTheEvent() {
        SecurityEvent event = SecurityEvent.of(SecurityEventType.SESSION_ENDED, "gateway").tenant("acme")
                .actor(new SecurityEvent.Actor("https://kc/realms/acme", "dave", null)).target("session:abc").build();
        ProducerRecord<String, String> record = SecurityEventRecords.of("security-events", event);
        assertEquals("security-events", record.topic());
        assertEquals(event.partitionKey(), record.key());
        assertEquals("SESSION_ENDED", new String(record.headers().lastHeader(SecurityEventRecords.EVENT_TYPE_HEADER).value(),
                StandardCharsets.UTF_8));
        assertEquals(event, SecurityEventCodec.fromJson(record.value()));
        // what an outbox stored is sent as it was made
        ProducerRecord<String, String> stored = SecurityEventRecords.of("security-events", record.key(), "SESSION_ENDED", record.value());
        assertEquals(record.key(), stored.key());
        assertEquals(record.value(), stored.value());
        assertEquals(record.headers(), stored.headers());
    }
}
