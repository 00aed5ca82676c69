package dev.sealpost.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The JSON encoding of {@link SecurityEvent} on the Kafka topic and in outbox rows. */
public final class SecurityEventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private SecurityEventCodec() {
    }

    public static String toJson(SecurityEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a SecurityEvent always serializes", e);
        }
    }

    /** Parses one event; throws {@link IllegalArgumentException} for anything that is not a valid event. */
    public static SecurityEvent fromJson(String json) {
        try {
            return MAPPER.readValue(json, SecurityEvent.class);
        } catch (JsonProcessingException | NullPointerException e) {
            throw new IllegalArgumentException("not a security event", e);
        }
    }
}
