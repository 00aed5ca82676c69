package dev.sealpost.audit;

import dev.sealpost.audit.service.SecurityEventConsumer;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.SealpostInfrastructure;
import dev.sealpost.testing.TestPassportIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.sealpost.audit.AuditTestSupport.producer;
import static dev.sealpost.audit.AuditTestSupport.rows;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Events from Kafka into PostgreSQL, idempotently, poison to the dead-letter topic, and read back per user and per tenant. */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "audit"), @ResourceArg(name = "passportAudience", value = "audit-service")})
class AuditPipelineTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static String issuer(String tenant) {
        return TestPassportIssuer.get().issuer(tenant);
    }

    private static SecurityEvent.Actor user(String tenant, String name) {
        return new SecurityEvent.Actor(issuer(tenant), "u-" + name + "-" + RUN, name + "@" + (tenant.equals("acme") ? "acme.test" : "sealpost.test"));
    }

    private static String passport(String tenant, String name, String... roles) {
        SecurityEvent.Actor actor = user(tenant, name);
        return TestPassportIssuer.get().passport(tenant, actor.subject(), actor.address(), "audit-service", roles);
    }

    private static JsonPath mine(String passport) {
        return given().header("Authorization", "Bearer " + passport).queryParam("limit", 200).get("/api/audit/me/events")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void eventsAreStoredOnceAndEachUserSeesTheirOwn() throws Exception {
        SecurityEvent.Actor alice = user("consumer", "alice");
        SecurityEvent.Actor bob = user("consumer", "bob");
        SecurityEvent.Actor carol = user("acme", "carol");
        SecurityEvent signIn = SecurityEvent.of(SecurityEventType.PASSPORT_REFUSED, "gateway").tenant("consumer").actor(bob)
                .failure("bad_signature").sourceIp("198.51.100.4").userAgent("evil\r\n\"},{\"injected\":true").build();
        SecurityEvent delivery = SecurityEvent.of(SecurityEventType.MESSAGE_RECEIVED, "mail-service").tenant("consumer").actor(alice)
                .owner(bob).target("message:1 to " + bob.address()).build();
        SecurityEvent alicesSend = SecurityEvent.of(SecurityEventType.MESSAGE_SENT, "mail-service").tenant("consumer").actor(alice)
                .target("message:1").build();
        SecurityEvent acmeEvent = SecurityEvent.of(SecurityEventType.MAILBOX_ACCESSED, "mail-service").tenant("acme").actor(carol)
                .target(carol.address()).build();
        try (KafkaProducer<String, String> producer = producer()) {
            for (SecurityEvent event : List.of(signIn, delivery, alicesSend, acmeEvent, signIn, delivery)) {
                producer.send(new ProducerRecord<>("security-events", event.partitionKey(), SecurityEventCodec.toJson(event))).get();
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> rows("SELECT count(*) FROM audit_event WHERE id IN ('" + signIn.id() + "', '"
                + delivery.id() + "', '" + alicesSend.id() + "', '" + acmeEvent.id() + "')") == 4);
        assertEquals(1, rows("SELECT count(*) FROM audit_event WHERE id = '" + signIn.id() + "'"), "a redelivered event is stored once");

        JsonPath bobs = mine(passport("consumer", "bob"));
        List<String> bobsIds = bobs.getList("events.id", String.class);
        assertTrue(bobsIds.containsAll(List.of(signIn.id().toString(), delivery.id().toString())), bobsIds.toString());
        assertTrue(!bobsIds.contains(alicesSend.id().toString()) && !bobsIds.contains(acmeEvent.id().toString()));
        // the CR/LF and JSON-breaking user agent comes back exactly, as data
        assertEquals(signIn.userAgent(), bobs.getString("events.find { it.id == '" + signIn.id() + "' }.userAgent"));
        List<String> alices = mine(passport("consumer", "alice")).getList("events.id", String.class);
        assertTrue(alices.containsAll(List.of(delivery.id().toString(), alicesSend.id().toString())) && !alices.contains(signIn.id().toString()));
        // a consumer passport for carol's subject sees nothing of acme
        String sameSubjectOtherTenant = TestPassportIssuer.get().passport("consumer", carol.subject(), null, "audit-service");
        assertEquals(0, mine(sameSubjectOtherTenant).getList("events").size());
        given().get("/api/audit/me/events").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void aSocAnalystSeesOnlyTheirTenantAndIsOnTheRecord() throws Exception {
        SecurityEvent.Actor dave = user("acme", "dave");
        SecurityEvent acme = SecurityEvent.of(SecurityEventType.MESSAGE_SENT, "mail-service").tenant("acme").actor(dave).target("m").build();
        SecurityEvent consumer = SecurityEvent.of(SecurityEventType.MESSAGE_SENT, "mail-service").tenant("consumer")
                .actor(user("consumer", "erin")).target("m").build();
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>("security-events", acme.partitionKey(), SecurityEventCodec.toJson(acme))).get();
            producer.send(new ProducerRecord<>("security-events", consumer.partitionKey(), SecurityEventCodec.toJson(consumer))).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> rows("SELECT count(*) FROM audit_event WHERE id IN ('" + acme.id() + "', '"
                + consumer.id() + "')") == 2);
        String analyst = passport("acme", "dave", "soc-analyst");
        JsonPath page = given().header("Authorization", "Bearer " + analyst).queryParam("type", "MESSAGE_SENT").queryParam("limit", 200)
                .get("/api/audit/events").then().statusCode(200).extract().jsonPath();
        List<String> tenants = page.getList("events.tenant", String.class);
        assertTrue(page.getList("events.id", String.class).contains(acme.id().toString()));
        assertTrue(tenants.stream().allMatch("acme"::equals), tenants.toString());
        given().header("Authorization", "Bearer " + passport("acme", "carol")).get("/api/audit/events").then().statusCode(403);
        given().header("Authorization", "Bearer " + analyst).queryParam("type", "NOT_A_TYPE").get("/api/audit/events").then().statusCode(400);
        given().header("Authorization", "Bearer " + analyst).queryParam("from", "yesterday").get("/api/audit/events").then().statusCode(400);
        given().header("Authorization", "Bearer " + analyst).queryParam("limit", 500).get("/api/audit/events").then().statusCode(400);
        assertTrue(rows("SELECT count(*) FROM outbox_event WHERE event_type = 'AUDIT_QUERIED' AND payload->>'tenant' = 'acme' "
                + "AND payload->'actor'->>'subject' = '" + dave.subject() + "'") >= 1, "the search is on the record");
    }

    @Test
    void poisonGoesToTheDeadLetterTopicWithAReasonAndLaterEventsAreStored() throws Exception {
        SecurityEvent after = SecurityEvent.of(SecurityEventType.KEY_BACKUP_UPDATED, "key-service").tenant("consumer")
                .actor(user("consumer", "frank")).build();
        String marker = "poison-" + RUN;
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>("security-events", marker + "-1", "this is not json")).get();
            producer.send(new ProducerRecord<>("security-events", marker + "-2", "{\"id\":\"x\",\"type\":\"NOPE\"}")).get();
            producer.send(new ProducerRecord<>("security-events", after.partitionKey(), SecurityEventCodec.toJson(after))).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> rows("SELECT count(*) FROM audit_event WHERE id = '" + after.id() + "'") == 1);
        Map<String, String> reasons = new HashMap<>();
        try (KafkaConsumer<String, String> dlq = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlq-check-" + RUN, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            dlq.subscribe(List.of("security-events-dlq"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : dlq.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && record.key().startsWith(marker)) {
                        var header = record.headers().lastHeader(SecurityEventConsumer.REASON_HEADER);
                        reasons.put(record.key(), header == null ? null : new String(header.value(), StandardCharsets.UTF_8));
                    }
                }
                return reasons.size() == 2;
            });
        }
        assertTrue(reasons.values().stream().allMatch(reason -> reason != null && reason.startsWith("not a security event")), reasons.toString());
        assertEquals(0, rows("SELECT count(*) FROM audit_event WHERE payload::text LIKE '%NOPE%'"));
    }

    @Test
    void cidrFiltersAndStreamedExportsInEveryFormatKeepHostileTextInsideOneLine() throws Exception {
        SecurityEvent.Actor grace = user("acme", "grace");
        String hostileAgent = "curl\r\nCEF:0|forged|line\n{\"injected\":true}|=\\";
        SecurityEvent hostile = SecurityEvent.of(SecurityEventType.PASSPORT_REFUSED, "gateway").tenant("acme").actor(grace)
                .failure("expired").sourceIp("203.0.113.7").userAgent(hostileAgent).build();
        SecurityEvent elsewhere = SecurityEvent.of(SecurityEventType.PASSPORT_REFUSED, "gateway").tenant("acme").actor(grace)
                .failure("expired").sourceIp("198.51.100.9").build();
        SecurityEvent junkIp = SecurityEvent.of(SecurityEventType.PASSPORT_REFUSED, "gateway").tenant("acme").actor(grace)
                .failure("expired").sourceIp("not-an-ip").build();
        int bulk = 1_205; // more than one export page (1,000)
        List<SecurityEvent> all = new ArrayList<>(List.of(hostile, elsewhere, junkIp));
        for (int i = 0; i < bulk; i++) {
            all.add(SecurityEvent.of(SecurityEventType.MESSAGE_SENT, "mail-service").tenant("acme").actor(grace).target("m" + i).build());
        }
        try (KafkaProducer<String, String> producer = producer()) {
            for (SecurityEvent event : all) {
                producer.send(new ProducerRecord<>("security-events", event.partitionKey(), SecurityEventCodec.toJson(event)));
            }
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> rows("SELECT count(*) FROM audit_event WHERE actor_subject = '"
                + grace.subject() + "'") == all.size());
        String analyst = passport("acme", "dave", "soc-analyst");

        List<String> inBlock = given().header("Authorization", "Bearer " + analyst).queryParam("ip", "203.0.113.0/24")
                .queryParam("actor", grace.subject()).get("/api/audit/events").then().statusCode(200).extract().jsonPath()
                .getList("events.id", String.class);
        assertEquals(List.of(hostile.id().toString()), inBlock);
        for (String bad : List.of("203.0.113.0/33", "example.org/8", "10.0.0.0/x", "::1/129")) {
            given().header("Authorization", "Bearer " + analyst).queryParam("ip", bad).get("/api/audit/events").then().statusCode(400)
                    .contentType("application/problem+json");
        }

        String jsonl = export(analyst, "jsonl", grace.subject());
        List<String> jsonLines = jsonl.lines().toList();
        assertEquals(all.size(), jsonLines.size(), "every event, across export pages, one line each");
        assertEquals(all.stream().map(e -> e.id().toString()).sorted().toList(),
                jsonLines.stream().map(line -> SecurityEventCodec.fromJson(line).id().toString()).sorted().toList());
        SecurityEvent hostileBack = jsonLines.stream().map(SecurityEventCodec::fromJson).filter(e -> e.id().equals(hostile.id())).findFirst()
                .orElseThrow();
        // the event escaped the control characters when it was made (ClientText); the rest survives exactly
        assertEquals("curl\\u000d\\u000aCEF:0|forged|line\\u000a{\"injected\":true}|=\\", hostile.userAgent());
        assertEquals(hostile.userAgent(), hostileBack.userAgent(), "the user agent survives JSON lines exactly");

        List<String> ocsf = export(analyst, "ocsf", grace.subject()).lines().toList();
        assertEquals(all.size(), ocsf.size());
        for (String line : ocsf) {
            JsonPath event = new JsonPath(line);
            assertTrue(event.getInt("class_uid") > 0 && event.getString("metadata.version").equals("1.3.0"), line);
        }

        List<String> cef = export(analyst, "cef", grace.subject()).lines().toList();
        assertEquals(all.size(), cef.size(), "CR/LF in a field never starts a new CEF line");
        assertTrue(cef.stream().allMatch(line -> line.startsWith("CEF:0|Sealpost|")), cef.get(0));
        String hostileCef = cef.stream().filter(line -> line.contains("203.0.113.7")).findFirst().orElseThrow();
        assertTrue(hostileCef.contains("curl\\\\u000d\\\\u000aCEF:0|forged|line\\\\u000a{\"injected\":true}|\\=\\\\"), hostileCef);

        given().header("Authorization", "Bearer " + analyst).queryParam("format", "ocsf").queryParam("actor", grace.subject())
                .get("/api/audit/export").then().statusCode(200).contentType("application/x-ndjson");
        given().header("Authorization", "Bearer " + analyst).queryParam("format", "xml").get("/api/audit/export").then().statusCode(400);
        given().header("Authorization", "Bearer " + passport("acme", "grace")).get("/api/audit/export").then().statusCode(403);
        assertTrue(rows("SELECT count(*) FROM outbox_event WHERE event_type = 'AUDIT_QUERIED' AND payload->>'target' LIKE 'export format=cef%'") >= 1,
                "an export is on the record with its format and filters");
    }

    private static String export(String analyst, String format, String actor) {
        return given().header("Authorization", "Bearer " + analyst).queryParam("format", format).queryParam("actor", actor)
                .get("/api/audit/export").then().statusCode(200).extract().asString();
    }
}
