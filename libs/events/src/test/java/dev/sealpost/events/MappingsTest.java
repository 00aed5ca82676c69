package dev.sealpost.events;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MappingsTest {

    private static SecurityEvent denied() {
        return SecurityEvent.of(SecurityEventType.MAILBOX_ACCESS_DENIED, "mail-service").tenant("consumer")
                .actor(new SecurityEvent.Actor("http://localhost:8081/api/keys/tenants/consumer", "u_abc", "mallory@sealpost.test"))
                .target("message:123 action=read").failure("not_owner").sourceIp("203.0.113.7")
                .userAgent("evil|agent=1\nCEF:0|forged").requestId("r-9").build();
    }

    @Test
    void ocsfCarriesClassActivityTypeUidAndTheActor() {
        JsonNode ocsf = OcsfMapping.toOcsf(denied());
        assertEquals(6003, ocsf.get("class_uid").asInt());
        assertEquals(6, ocsf.get("category_uid").asInt());
        assertEquals(2, ocsf.get("activity_id").asInt());
        assertEquals(600302, ocsf.get("type_uid").asLong());
        assertEquals(2, ocsf.get("status_id").asInt());
        assertEquals("not_owner", ocsf.get("status_detail").asText());
        assertEquals("http://localhost:8081/api/keys/tenants/consumer#u_abc", ocsf.at("/actor/user/uid").asText());
        assertEquals("203.0.113.7", ocsf.at("/src_endpoint/ip").asText());
        assertEquals("consumer", ocsf.at("/unmapped/tenant").asText());
        assertEquals(OcsfMapping.SCHEMA_VERSION, ocsf.at("/metadata/version").asText());
        JsonNode authentication = OcsfMapping.toOcsf(SecurityEvent.of(SecurityEventType.PASSPORT_REFUSED, "key-service")
                .tenant("acme").failure("bad_signature").build());
        assertEquals(3002, authentication.get("class_uid").asInt());
        assertEquals(300201, authentication.get("type_uid").asLong());
    }

    @Test
    void everyTypeMapsToAValidOcsfActivity() {
        for (SecurityEventType type : SecurityEventType.values()) {
            assertTrue(Arrays.asList(1, 2, 3, 4, 99).contains(type.ocsfActivityId()), type.name());
            JsonNode ocsf = OcsfMapping.toOcsf(SecurityEvent.of(type, "test").tenant("t").build());
            assertEquals(type.category().ocsfClassUid() * 100L + type.ocsfActivityId(), ocsf.get("type_uid").asLong());
        }
    }

    @Test
    void alertsAreHighSeverityDetectionFindings() {
        SecurityEvent alert = SecurityEvent.of(SecurityEventType.ALERT_SIGN_IN_FROM_NEW_IP, "audit-service").tenant("consumer").build();
        JsonNode ocsf = OcsfMapping.toOcsf(alert);
        assertEquals(2004, ocsf.get("class_uid").asInt());
        assertEquals(2, ocsf.get("category_uid").asInt());
        assertEquals(4, ocsf.get("severity_id").asInt());
        assertEquals(alert.id().toString(), ocsf.at("/finding_info/uid").asText());
        assertEquals("8", CefMapping.toCef(alert).split("(?<!\\\\)\\|", 8)[6]);
    }

    @Test
    void cefEscapesWhatCouldForgeFieldsOrLines() {
        String cef = CefMapping.toCef(denied());
        assertTrue(cef.startsWith("CEF:0|Sealpost|Sealpost|0.1|MAILBOX_ACCESS_DENIED|"), cef);
        assertFalse(cef.contains("\n"), "one line");
        // the line break was escaped when the event was made (ClientText); CEF then escapes its backslash
        assertTrue(cef.contains("requestClientApplication=evil|agent\\=1\\\\u000aCEF:0|forged"), cef);
        assertTrue(cef.contains("outcome=failure") && cef.contains("cs1=consumer") && cef.contains("src=203.0.113.7"), cef);
        String[] header = cef.split("(?<!\\\\)\\|", 8);
        assertEquals("MAILBOX_ACCESS_DENIED", header[4]);
        assertEquals("6", header[6], "failures are severity 6");
        assertTrue(header[7].startsWith("rt="), "the extensions follow the seventh separator");
        assertTrue(CefMapping.toCef(SecurityEvent.of(SecurityEventType.MESSAGE_SENT, "mail-service").tenant("a|b").build())
                .contains("cs1=a|b"), "pipes need no escaping in extension values");
    }
}
