package dev.sealpost.keys;

import dev.sealpost.passport.PassportException;
import dev.sealpost.passport.PassportVerifier;
import dev.sealpost.testing.PostgresAndKafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rotation on a 10-second schedule: tokens keep verifying across rotations, a retired key's tokens
 * verify until they expire, a destroyed key's fail, a revoked key's fail at once.
 */
@QuarkusTest
@TestProfile(SigningKeyRotationTest.FastRotation.class)
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = @ResourceArg(name = "database", value = "key"))
class SigningKeyRotationTest {

    public static class FastRotation implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sealpost.keys.rotation.period", "10s",
                    "sealpost.keys.rotation.publish-ahead", "4s",
                    "sealpost.keys.rotation.check-every", "1s",
                    "sealpost.keys.rotation.destroy-grace", "1s",
                    "sealpost.keys.passports.lifetime", "8s");
        }
    }

    private static List<String> publishedKids() {
        return given().get("/api/keys/tenants/consumer/jwks/passport").then().statusCode(200).extract().path("keys.kid");
    }

    private static String kidOf(String token) {
        String header = new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))));
        return header.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void twoHundredCyclesAcrossThreeRotationsWithoutAFailure() throws Exception {
        // a verifier like mail-service's: fetches the JWKS when it meets an unknown kid, at most once a second
        PassportVerifier verifier = KeyServiceClient.verifier(RestAssured.port, "mail-service", Duration.ofSeconds(1));
        Set<String> signingKids = new LinkedHashSet<>();
        String firstToken = KeyServiceClient.passport("consumer", "rotating-user", List.of("user"), "mail-service");
        String firstKid = kidOf(firstToken);
        List<String> failures = new ArrayList<>();
        int cycles = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while ((signingKids.size() < 4 || cycles < 200) && System.nanoTime() < deadline) {
            String token = KeyServiceClient.passport("consumer", "rotating-user", List.of("user"), "mail-service");
            signingKids.add(kidOf(token));
            try {
                verifier.verify(token);
            } catch (PassportException e) {
                failures.add(e.reason().name());
            }
            cycles++;
        }
        assertTrue(signingKids.size() >= 4, "three rotations (four signing keys) within 90 s, saw " + signingKids.size());
        assertTrue(cycles >= 200, "at least 200 cycles, ran " + cycles);
        assertEquals(List.of(), failures, "no issue-and-verify cycle may fail across rotations");

        // the first key was retired long ago and its 8-second tokens have expired: it is destroyed,
        // gone from the JWKS, and a fresh verifier refuses its token
        await().atMost(Duration.ofSeconds(30)).until(() -> !publishedKids().contains(firstKid));
        PassportException destroyed = assertThrows(PassportException.class,
                () -> KeyServiceClient.verifier(RestAssured.port, "mail-service", Duration.ofSeconds(1)).verify(firstToken));
        assertTrue(Set.of(PassportException.Reason.UNKNOWN_KEY, PassportException.Reason.EXPIRED).contains(destroyed.reason()));
    }

    @Test
    void auditKeysStayPublishedAfterRetirementSoOldCheckpointsStillVerify() throws Exception {
        String body = "{\"tenant\":\"consumer\",\"position\":7,\"chainHash\":\""
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]) + "\"}";
        io.restassured.path.json.JsonPath first = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> given().auth()
                .preemptive().basic("audit-service", "test-only-audit-secret-0123456789").contentType("application/json").body(body)
                .post("/internal/audit-checkpoints").then().statusCode(200).extract().jsonPath(), java.util.Objects::nonNull);
        String firstKid = first.getString("kid");
        String firstPassportKid = kidOf(KeyServiceClient.passport("consumer", "audit-key-user", List.of("user"), "mail-service"));
        // past three rotation periods and the passports' lifetime: the first passport key is destroyed and gone ...
        await().atMost(Duration.ofSeconds(60)).until(() -> !publishedKids().contains(firstPassportKid));
        // ... while the first audit key, retired just as long, is still published (its private part is erased)
        List<String> auditKids = given().get("/api/keys/tenants/consumer/jwks/audit").then().statusCode(200).extract().path("keys.kid");
        assertTrue(auditKids.contains(firstKid), "retired audit key " + firstKid + " in " + auditKids);
        assertTrue(auditKids.size() >= 3, "every audit key so far stays published: " + auditKids);
    }

    @Test
    void aRetiredKeysTokenVerifiesUntilItExpires() throws Exception {
        String token = KeyServiceClient.passport("consumer", "retiring-user", List.of("user"), "mail-service");
        String kid = kidOf(token);
        // wait until a newer key signs: the token's key is RETIRED, still published, and the token still verifies
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                !kidOf(KeyServiceClient.passport("consumer", "retiring-user", List.of("user"), "mail-service")).equals(kid));
        assertTrue(publishedKids().contains(kid), "a retired key stays in the JWKS");
        KeyServiceClient.verifier(RestAssured.port, "mail-service", Duration.ofSeconds(1)).verify(token);
    }

    @Test
    void aRevokedKeysTokensFailAtOnce() throws Exception {
        String operator = KeyServiceClient.passport("consumer", "operator", List.of("sealpost-operator"), "key-service");
        String token = KeyServiceClient.passport("consumer", "victim", List.of("user"), "mail-service");
        String kid = kidOf(token);
        PassportVerifier verifier = KeyServiceClient.verifier(RestAssured.port, "mail-service", Duration.ofSeconds(1));
        verifier.verify(token);
        given().header("Authorization", "Bearer " + operator)
                .post("/api/keys/admin/tenants/consumer/signing-keys/revoke/" + kid).then().statusCode(204);
        // out of the JWKS at once: any verifier that fetches refuses it
        assertTrue(!publishedKids().contains(kid));
        PassportException refused = assertThrows(PassportException.class,
                () -> KeyServiceClient.verifier(RestAssured.port, "mail-service", Duration.ofSeconds(1)).verify(token));
        assertEquals(PassportException.Reason.UNKNOWN_KEY, refused.reason());
        // key-service's own verifier refuses the operator passport signed by the revoked key at once
        if (kid.equals(kidOf(operator))) {
            given().header("Authorization", "Bearer " + operator).get("/api/keys/admin/tenants/consumer/signing-keys")
                    .then().statusCode(401);
        }
        // and the next passport is signed by another key
        String next = KeyServiceClient.passport("consumer", "victim", List.of("user"), "mail-service");
        assertTrue(!kid.equals(kidOf(next)));
        KeyServiceClient.verifier(RestAssured.port, "mail-service", Duration.ofSeconds(1)).verify(next);
        String freshOperator = KeyServiceClient.passport("consumer", "operator", List.of("sealpost-operator"), "key-service");
        given().header("Authorization", "Bearer " + freshOperator)
                .post("/api/keys/admin/tenants/consumer/signing-keys/revoke/" + kid).then().statusCode(404);
    }
}
