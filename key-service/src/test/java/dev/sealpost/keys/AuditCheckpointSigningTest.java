package dev.sealpost.keys;

import dev.sealpost.crypto.AuditCheckpoint;
import dev.sealpost.testing.PostgresAndKafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** audit-service's checkpoints: signed with the tenant's audit key, for audit-service's credential only. */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = @ResourceArg(name = "database", value = "key"))
class AuditCheckpointSigningTest {

    private static final String AUDIT_SECRET = "test-only-audit-secret-0123456789";
    private static final String HASH = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

    private static io.restassured.response.Response post(String user, String secret, String body) {
        return given().auth().preemptive().basic(user, secret).contentType("application/json").body(body).post("/internal/audit-checkpoints");
    }

    @Test
    void aCheckpointIsSignedWithTheTenantsAuditKeyAndVerifiesAgainstItsJwks() {
        await().atMost(Duration.ofSeconds(30)).until(() -> post("audit-service", AUDIT_SECRET,
                "{\"tenant\":\"acme\",\"position\":42,\"chainHash\":\"" + HASH + "\"}").statusCode() == 200);
        JsonPath signed = post("audit-service", AUDIT_SECRET, "{\"tenant\":\"acme\",\"position\":42,\"chainHash\":\"" + HASH + "\"}")
                .then().statusCode(200).extract().jsonPath();
        AuditCheckpoint checkpoint = new AuditCheckpoint("acme", 42, signed.getLong("timestampMillis"), new byte[32],
                Base64.getUrlDecoder().decode(signed.getString("signature")));
        List<Map<String, String>> keys = given().get("/api/keys/tenants/acme/jwks/audit").then().statusCode(200).extract().jsonPath()
                .getList("keys");
        Map<String, String> jwk = keys.stream().filter(key -> key.get("kid").equals(signed.getString("kid"))).findFirst().orElseThrow();
        assertTrue(checkpoint.verify(jwk));
        assertFalse(new AuditCheckpoint("consumer", 42, checkpoint.timestampMillis(), new byte[32], checkpoint.signature()).verify(jwk));
        List<Map<String, String>> passportKeys = given().get("/api/keys/tenants/acme/jwks/passport").then().extract().jsonPath().getList("keys");
        assertTrue(passportKeys.stream().noneMatch(key -> key.get("kid").equals(signed.getString("kid"))), "a key of its own purpose");
    }

    /**
     * Issue 28, finding 10: the chain of unattributed events (tenant "sealpost") was never sealed,
     * key-service answered 400 "an existing tenant is required" every ten minutes.
     */
    @Test
    void thePseudoTenantsChainIsSignedWithAnAuditKeyOfItsOwnAndHasNoOtherKeys() {
        String body = "{\"tenant\":\"sealpost\",\"position\":7,\"chainHash\":\"" + HASH + "\"}";
        await().atMost(Duration.ofSeconds(30)).until(() -> post("audit-service", AUDIT_SECRET, body).statusCode() == 200);
        JsonPath signed = post("audit-service", AUDIT_SECRET, body).then().statusCode(200).extract().jsonPath();
        assertEquals("sealpost", signed.getString("tenant"));
        AuditCheckpoint checkpoint = new AuditCheckpoint("sealpost", 7, signed.getLong("timestampMillis"), new byte[32],
                Base64.getUrlDecoder().decode(signed.getString("signature")));
        List<Map<String, String>> keys = given().get("/api/keys/tenants/sealpost/jwks/audit").then().statusCode(200).extract().jsonPath()
                .getList("keys");
        Map<String, String> jwk = keys.stream().filter(key -> key.get("kid").equals(signed.getString("kid"))).findFirst().orElseThrow();
        assertTrue(checkpoint.verify(jwk));
        List<Map<String, String>> acmeKeys = given().get("/api/keys/tenants/acme/jwks/audit").then().statusCode(200).extract().jsonPath()
                .getList("keys");
        assertTrue(acmeKeys.stream().noneMatch(key -> key.get("kid").equals(signed.getString("kid"))), "not a tenant's key");
        // no users, so nothing else to sign: no passport or directory keys, no tree head, no operator
        for (String path : List.of("/api/keys/tenants/sealpost/jwks/passport", "/api/keys/tenants/sealpost/jwks/directory")) {
            given().get(path).then().statusCode(404).contentType("application/problem+json");
        }
    }

    @Test
    void onlyAuditServicesCredentialAndWellFormedRequestsAreSigned() {
        String body = "{\"tenant\":\"acme\",\"position\":1,\"chainHash\":\"" + HASH + "\"}";
        post("sealpost-gateway", "test-only-gateway-secret-0123456789", body).then().statusCode(401).contentType("application/problem+json");
        post("audit-service", AUDIT_SECRET + "x", body).then().statusCode(401);
        given().contentType("application/json").body(body).post("/internal/audit-checkpoints").then().statusCode(401);
        for (String bad : List.of("{\"tenant\":\"nobody\",\"position\":1,\"chainHash\":\"" + HASH + "\"}",
                "{\"tenant\":\"acme\",\"position\":0,\"chainHash\":\"" + HASH + "\"}",
                "{\"tenant\":\"acme\",\"position\":1,\"chainHash\":\"AAAA\"}",
                "{\"tenant\":\"acme\",\"position\":1,\"chainHash\":\"!!\"}", "not json")) {
            assertEquals(400, post("audit-service", AUDIT_SECRET, bad).statusCode(), bad);
        }
    }
}
