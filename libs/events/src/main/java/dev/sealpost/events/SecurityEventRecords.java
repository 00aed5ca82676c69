package dev.sealpost.events;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * The one shape of a security event on Kafka, whoever sends it (a service's outbox relay, the
 * gateway's buffer): key = {@link SecurityEvent#partitionKey()} (so one tenant's events keep their
 * order on one partition), value = {@link SecurityEventCodec} JSON, header {@value #EVENT_TYPE_HEADER}
 * = the type's name (consumers can route without parsing the value).
 */
public final class SecurityEventRecords {

    public static final String EVENT_TYPE_HEADER = "event-type";

    private SecurityEventRecords() {
    }

    public static ProducerRecord<String, String> of(String topic, SecurityEvent event) {
        return of(topic, event.partitionKey(), event.type().name(), SecurityEventCodec.toJson(event));
    }

    /** For an event already encoded (the outbox stores key, type and JSON as they were made). */
    public static ProducerRecord<String, String> of(String topic, String partitionKey, String eventType, String json) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, partitionKey, json);
        record.headers().add(EVENT_TYPE_HEADER, eventType.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
