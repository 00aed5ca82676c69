package dev.sealpost.keys;

import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.SealpostInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every key-service change reaches Kafka through the outbox, refusals are recorded without the
 * token, and no private key, KEK, secret or passport shows up in the service's log or answers.
 */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = @ResourceArg(name = "database", value = "key"))
class KeyServiceEventsTest {

    private static List<SecurityEvent> consumeUntil(java.util.function.Predicate<List<SecurityEvent>> done) {
        List<SecurityEvent> seen = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SealpostInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "key-service-events-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("security-events"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(SecurityEventCodec.fromJson(record.value()));
                }
                return done.test(seen);
            });
        }
        return seen;
    }

    @Test
    void directoryAndKeyEventsArePublishedAndRefusalsCarryNoToken() {
        String address = "events-" + UUID.randomUUID().toString().substring(0, 8) + "@sealpost.test";
        String passport = KeyServiceClient.passportFor(address);
        DirectoryClient.publish(passport, address, PrivateKeys.generate().publicBundle().toBytes()).then().statusCode(201);
        String forged = passport.substring(0, passport.length() - 4) + "AAAA";
        given().header("Authorization", "Bearer " + forged).get("/api/keys/directory/" + address).then().statusCode(401);

        List<SecurityEvent> events = consumeUntil(seen ->
                seen.stream().anyMatch(e -> e.type() == SecurityEventType.KEY_BUNDLE_PUBLISHED && e.target().startsWith(address + "#v1"))
                        && seen.stream().anyMatch(e -> e.type() == SecurityEventType.TREE_HEAD_PUBLISHED)
                        && seen.stream().anyMatch(e -> e.type() == SecurityEventType.SIGNING_KEY_ACTIVATED)
                        && seen.stream().anyMatch(e -> e.type() == SecurityEventType.PASSPORT_REFUSED
                                && "bad_signature".equals(e.reason())));
        SecurityEvent published = events.stream().filter(e -> e.type() == SecurityEventType.KEY_BUNDLE_PUBLISHED
                && e.target().startsWith(address)).findFirst().orElseThrow();
        assertTrue(published.tenant().equals("consumer") && published.actor().address().equals(address));
        for (SecurityEvent event : events) {
            String json = SecurityEventCodec.toJson(event);
            assertFalse(json.contains(forged.substring(0, 40)) || json.contains(passport.substring(0, 40)), "no token in events");
        }
    }

    @Test
    void noSecretOrPrivateKeyInTheLogOrAnswers() throws Exception {
        // exercise the service: passports, a refusal, a publication, a backup, a manual rotation attempt
        String operator = KeyServiceClient.passport("consumer", "op", List.of("sealpost-operator"), "key-service");
        String address = "secrets-" + UUID.randomUUID().toString().substring(0, 8) + "@sealpost.test";
        String passport = KeyServiceClient.passportFor(address);
        DirectoryClient.publish(passport, address, PrivateKeys.generate().publicBundle().toBytes()).then().statusCode(201);
        given().header("Authorization", "Bearer " + passport + "x").get("/api/keys/backup").then().statusCode(401);
        List<String> answers = new ArrayList<>();
        answers.add(given().header("Authorization", "Bearer " + operator).get("/api/keys/admin/tenants/consumer/signing-keys").asString());
        answers.add(given().get("/api/keys/tenants/consumer/jwks/passport").asString());
        answers.add(given().get("/api/keys/tenants/consumer/jwks/directory").asString());
        answers.add(given().get("/api/keys/log/consumer/tree-head").asString());

        // the private keys as they are in memory: open every sealed private part with the test KEK
        List<String> secrets = new ArrayList<>();
        var config = ConfigProvider.getConfig();
        byte[] kek = Base64.getDecoder().decode(config.getValue("sealpost.keys.kek.keys.primary", String.class));
        String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
        try (Connection db = SealpostInfrastructure.postgres().connectAsSuperuser(url.substring(url.lastIndexOf('/') + 1));
             Statement statement = db.createStatement();
             ResultSet rows = statement.executeQuery("SELECT kid, tenant, purpose, private_key_sealed FROM signing_key "
                     + "WHERE private_key_sealed IS NOT NULL")) {
            while (rows.next()) {
                byte[] sealed = rows.getBytes(4);
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, sealed, 0, 12));
                cipher.updateAAD(("sealpost/signing-key/" + rows.getString(1) + "/" + rows.getString(2) + "/" + rows.getString(3))
                        .getBytes(StandardCharsets.UTF_8));
                byte[] pkcs8 = cipher.doFinal(sealed, 12, sealed.length - 12);
                byte[] seed = org.bouncycastle.asn1.ASN1OctetString.getInstance(
                        org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey()).getOctets();
                secrets.add(Base64.getEncoder().encodeToString(pkcs8));
                secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(seed));
                secrets.add(Base64.getEncoder().encodeToString(seed).substring(0, 40));
                secrets.add(HexFormat.of().formatHex(seed));
            }
        }
        assertTrue(secrets.size() >= 8, "private parts of the active and pending keys were found");
        secrets.add(config.getValue("sealpost.keys.kek.keys.primary", String.class));
        secrets.add(KeyServiceClient.GATEWAY_SECRET);
        secrets.add(passport.substring(passport.lastIndexOf('.') + 1));
        secrets.add(operator.substring(operator.lastIndexOf('.') + 1));

        Path logFile = Path.of("target/test-logs/key-service.log");
        String log = Files.exists(logFile) ? Files.readString(logFile) : "";
        assertTrue(log.contains("key-service"), "the service log is being written to " + logFile.toAbsolutePath());
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "a secret or private key appears in the service log");
            for (String answer : answers) {
                assertFalse(answer.contains(secret), "a secret or private key appears in an API answer");
            }
        }
    }

    @jakarta.inject.Inject
    dev.sealpost.keys.service.RefusalEvents refusals;

    /**
     * Issue 28, finding 2: a refusal whose event names a NUL (a tenant {@code a\0x} from the path) was refused,
     * but its PASSPORT_REFUSED event was lost — PostgreSQL refused the NUL — so the attacker erased their trace.
     */
    @Test
    void aRefusalNamingANulIsStillRecordedWithTheNulEscaped() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        refusals.passportRefused("a\u0000x", new SecurityEvent.Actor("iss\u0000", "sub-" + run, null), "tenant_mismatch",
                "/api/keys/admin/tenants/a\u0000x/signing-keys");
        List<SecurityEvent> events = consumeUntil(seen -> seen.stream().anyMatch(e -> ("sub-" + run).equals(e.actor().subject())));
        SecurityEvent event = events.stream().filter(e -> ("sub-" + run).equals(e.actor().subject())).findFirst().orElseThrow();
        assertTrue("a\\u0000x".equals(event.tenant()), event.tenant());
        assertTrue("/api/keys/admin/tenants/a\\u0000x/signing-keys".equals(event.target()), event.target());
        // and the request itself is refused at the edge with a problem, not a 500
        given().header("Authorization", "Bearer " + KeyServiceClient.passportFor("nul-" + run + "@sealpost.test"))
                .urlEncodingEnabled(false).get("/api/keys/admin/tenants/a%00x/signing-keys")
                .then().statusCode(400).contentType("application/problem+json");
    }
}
