package dev.sealpost.events;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecurityEventCodecTest {

    @Test
    void roundTripsThroughJson() {
        SecurityEvent event = SecurityEvent.of(SecurityEventType.KEY_BUNDLE_PUBLISHED, "key-service")
                .tenant("acme")
                .actor(new SecurityEvent.Actor("http://localhost:18080/realms/acme", "f81d4fae", "carol@acme.test"))
                .owner(new SecurityEvent.Actor("http://localhost:8081/api/keys/tenants/acme", "u_owner", "dave@acme.test"))
                .target("mail-service").sourceIp("203.0.113.9").requestId("r-1").build();
        String json = SecurityEventCodec.toJson(event);
        assertEquals(event, SecurityEventCodec.fromJson(json));
        assertTrue(json.contains("\"type\":\"KEY_BUNDLE_PUBLISHED\""), json);
        assertTrue(json.contains("\"time\":\"20"), "ISO-8601 time, not a number: " + json);
    }

    @Test
    void refusesUnknownTypesAndFieldsAndMissingIds() {
        String good = SecurityEventCodec.toJson(SecurityEvent.of(SecurityEventType.SIGNING_KEY_CREATED, "key-service").tenant("consumer").build());
        assertThrows(IllegalArgumentException.class, () -> SecurityEventCodec.fromJson(good.replace("SIGNING_KEY_CREATED", "NOPE")));
        assertThrows(IllegalArgumentException.class, () -> SecurityEventCodec.fromJson(good.replace("{\"id\"", "{\"extra\":1,\"id\"")));
        assertThrows(IllegalArgumentException.class, () -> SecurityEventCodec.fromJson(good.replaceFirst("\"id\":\"[^\"]+\",", "")));
        assertThrows(IllegalArgumentException.class, () -> SecurityEventCodec.fromJson("not json"));
    }

    @Test
    void idsAreVersion7UniqueAndTimeOrdered() {
        Set<UUID> seen = new HashSet<>();
        UUID previous = UuidV7.next();
        for (int i = 0; i < 10_000; i++) {
            UUID id = UuidV7.next();
            assertEquals(7, id.version());
            assertEquals(2, id.variant());
            assertTrue(seen.add(id));
            assertTrue((id.getMostSignificantBits() >>> 16) >= (previous.getMostSignificantBits() >>> 16));
            previous = id;
        }
    }

    @Test
    void longFieldsAreTruncated() {
        SecurityEvent event = SecurityEvent.of(SecurityEventType.PASSPORT_REFUSED, "key-service").tenant("acme")
                .userAgent("x".repeat(5000)).failure("kid_unknown").build();
        assertEquals(SecurityEvent.MAX_FIELD_LENGTH, event.userAgent().length());
        assertEquals(SecurityEvent.Outcome.FAILURE, event.outcome());
    }

    @Test
    void controlCharactersFromClientsAreStoredEscapedAndEscapingIsIdempotent() {
        SecurityEvent event = SecurityEvent.of(SecurityEventType.PASSPORT_REFUSED, "key-service").tenant("a\u0000x")
                .actor(new SecurityEvent.Actor("iss", "sub\u0000", "a\u001bb@x.test")).target("/admin/tenants/a\u0000x")
                .userAgent("curl\r\n\u0085").requestId("r\u007f").sourceIp("203.0.113.7").failure("bad\u0000").build();
        assertEquals("a\\u0000x", event.tenant());
        assertEquals("sub\\u0000", event.actor().subject());
        assertEquals("a\\u001bb@x.test", event.actor().address());
        assertEquals("/admin/tenants/a\\u0000x", event.target());
        assertEquals("curl\\u000d\\u000a\\u0085", event.userAgent());
        assertEquals("r\\u007f", event.requestId());
        assertEquals("bad\\u0000", event.reason());
        String json = SecurityEventCodec.toJson(event);
        // a JSON escape of a NUL (\u0000 not preceded by a backslash) is what jsonb refuses
        assertTrue(!java.util.regex.Pattern.compile("(?<!\\\\)\\\\u0000").matcher(json).find(), json);
        // decoding passes the constructor again: nothing is escaped twice
        assertEquals(event, SecurityEventCodec.fromJson(json));
        assertEquals("lone \\ud800 surrogate", ClientText.escaped("lone \ud800 surrogate"));
        assertEquals("pair \ud83d\ude00 kept", ClientText.escaped("pair \ud83d\ude00 kept"));
    }
}
