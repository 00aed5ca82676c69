package dev.sealpost.keys;

import dev.sealpost.passport.UserIds;
import dev.sealpost.passport.Passport;
import dev.sealpost.passport.PassportException;
import dev.sealpost.passport.PassportVerifier;
import dev.sealpost.testing.PostgresAndKafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Passports are issued only to the gateway, only within the login's own tenant, and verify with the published keys. */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = @ResourceArg(name = "database", value = "key"))
class PassportIssuanceTest {

    @Test
    void eachTenantPublishesAnActiveAndAPendingPassportKeyWithACacheWindow() {
        for (String tenant : List.of("consumer", "acme")) {
            given().get("/api/keys/tenants/" + tenant + "/jwks/passport").then()
                    .statusCode(200)
                    .header("Cache-Control", "public, max-age=300")
                    .body("keys", hasSize(2))
                    .body("keys[0].kty", equalTo("OKP"))
                    .body("keys[0].crv", equalTo("Ed25519"))
                    .body("keys[0].alg", equalTo("EdDSA"))
                    // public parts only
                    .body(not(containsString("\"d\"")));
        }
        given().get("/api/keys/tenants/nobody/jwks/passport").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/keys/tenants/consumer/jwks/nothing").then().statusCode(404);
    }

    @Test
    void aPassportVerifiesForItsAudienceWithTheTenantsKeys() throws Exception {
        String token = KeyServiceClient.passport("consumer", "keycloak-subject-1", List.of("user"), "mail-service");
        PassportVerifier mail = KeyServiceClient.verifier(RestAssured.port, "mail-service", Duration.ofSeconds(1));
        Passport passport = mail.verify(token);
        assertEquals("consumer", passport.tenant());
        assertEquals(UserIds.of(KeyServiceClient.CONSUMER_IDP, "keycloak-subject-1"), passport.subject());
        assertEquals(Set.of("user"), passport.roles());
        assertEquals("2fa", passport.acr());
        PassportException wrongService = assertThrows(PassportException.class,
                () -> KeyServiceClient.verifier(RestAssured.port, "audit-service", Duration.ofSeconds(1)).verify(token));
        assertEquals(PassportException.Reason.WRONG_AUDIENCE, wrongService.reason());
    }

    @Test
    void theSameExternalSubjectInAnotherRealmIsAnotherUser() {
        String consumerId = UserIds.of(KeyServiceClient.CONSUMER_IDP, "same-subject");
        String acmeId = UserIds.of(KeyServiceClient.ACME_IDP, "same-subject");
        org.junit.jupiter.api.Assertions.assertNotEquals(consumerId, acmeId);
    }

    @Test
    void onlyTheGatewaysCredentialGetsPassports() {
        Map<String, Object> body = Map.of("externalIssuer", KeyServiceClient.CONSUMER_IDP, "externalSubject", "s", "tenant", "consumer",
                "roles", List.of(), "acr", "2fa", "audience", "mail-service");
        given().contentType(ContentType.JSON).body(body).post("/internal/passports").then()
                .statusCode(401).contentType("application/problem+json").header("WWW-Authenticate", containsString("Basic"));
        given().auth().preemptive().basic("sealpost-gateway", "wrong-secret-wrong-secret-wrong-secret").contentType(ContentType.JSON)
                .body(body).post("/internal/passports").then().statusCode(401);
        given().auth().preemptive().basic("someone-else", KeyServiceClient.GATEWAY_SECRET).contentType(ContentType.JSON)
                .body(body).post("/internal/passports").then().statusCode(401);
    }

    /** Issue 28, finding 10: the credential is checked before the body is parsed (it was a 400 for bad JSON without one). */
    @Test
    void theCredentialIsCheckedBeforeTheBodyIsRead() {
        for (String unreadable : new String[] {"{not json", "{\"externalIssuer\":1,\"externalIssuer\":2}", "[]"}) {
            given().contentType(ContentType.JSON).body(unreadable).post("/internal/passports").then()
                    .statusCode(401).contentType("application/problem+json");
            given().contentType(ContentType.JSON).body(unreadable).post("/internal/audit-checkpoints").then()
                    .statusCode(401).contentType("application/problem+json");
        }
    }

    /** Issue 28, finding 10: unknown fields, a key given twice and data after the document are refused, not ignored. */
    @Test
    void strictJsonRefusesUnknownFieldsDuplicateKeysAndTrailingData() {
        String good = "{\"externalIssuer\":\"" + KeyServiceClient.CONSUMER_IDP + "\",\"externalSubject\":\"s\",\"tenant\":\"consumer\","
                + "\"roles\":[],\"acr\":\"2fa\",\"audience\":\"mail-service\"}";
        var gateway = given().auth().preemptive().basic("sealpost-gateway", KeyServiceClient.GATEWAY_SECRET).contentType(ContentType.JSON);
        gateway.body(good).post("/internal/passports").then().statusCode(200);
        for (String bad : new String[] {good + "xyz", good.replace("{", "{\"unknownField\":true,"),
                good.replace("\"tenant\":\"consumer\"", "\"tenant\":\"consumer\",\"tenant\":\"acme\"")}) {
            given().auth().preemptive().basic("sealpost-gateway", KeyServiceClient.GATEWAY_SECRET).contentType(ContentType.JSON)
                    .body(bad).post("/internal/passports").then().statusCode(400).contentType("application/problem+json");
        }
    }

    @Test
    void aConsumerLoginCannotBecomeAnAcmePassport() {
        KeyServiceClient.requestPassport("acme", KeyServiceClient.CONSUMER_IDP, "s", List.of(), "mail-service").then()
                .statusCode(403).contentType("application/problem+json");
        KeyServiceClient.requestPassport("nobody", KeyServiceClient.CONSUMER_IDP, "s", List.of(), "mail-service").then().statusCode(403);
    }

    @Test
    void badRequestsGetAClearProblem() {
        KeyServiceClient.requestPassport("consumer", KeyServiceClient.CONSUMER_IDP, "s", List.of(), "billing-service").then()
                .statusCode(400).body("detail", equalTo("unknown audience"));
        KeyServiceClient.requestPassport("consumer", KeyServiceClient.CONSUMER_IDP, "s", Collections.nCopies(33, "r"), "mail-service")
                .then().statusCode(400);
        KeyServiceClient.requestPassport("consumer", KeyServiceClient.CONSUMER_IDP, "s", List.of("bad role!"), "mail-service")
                .then().statusCode(400);
        KeyServiceClient.requestPassport("consumer", KeyServiceClient.CONSUMER_IDP, "x".repeat(256), List.of(), "mail-service")
                .then().statusCode(400);
        given().auth().preemptive().basic("sealpost-gateway", KeyServiceClient.GATEWAY_SECRET).contentType(ContentType.JSON)
                .body("{not json").post("/internal/passports").then()
                .statusCode(400).contentType("application/problem+json").body(not(containsString("at ")));
    }

    @Test
    void adminEndpointsNeedAnOperatorPassportOfTheSameTenant() {
        String path = "/api/keys/admin/tenants/consumer/signing-keys";
        given().get(path).then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", "Bearer not-a-token").get(path).then().statusCode(401);
        String user = KeyServiceClient.passport("consumer", "plain-user", List.of("user"), "key-service");
        given().header("Authorization", "Bearer " + user).get(path).then().statusCode(403);
        String acmeOperator = KeyServiceClient.passport("acme", "acme-op", List.of("sealpost-operator"), "key-service");
        given().header("Authorization", "Bearer " + acmeOperator).get(path).then().statusCode(403);
        String forMail = KeyServiceClient.passport("consumer", "op", List.of("sealpost-operator"), "mail-service");
        given().header("Authorization", "Bearer " + forMail).get(path).then().statusCode(401);
        String operator = KeyServiceClient.passport("consumer", "op", List.of("sealpost-operator"), "key-service");
        given().header("Authorization", "Bearer " + operator).get(path).then().statusCode(200)
                .body("findAll { it.purpose == 'passport' }.state", org.hamcrest.Matchers.containsInAnyOrder("ACTIVE", "PENDING"))
                .body(not(containsString("private")));
        // a manual rotation right after start: the pending key has not been published for 10 minutes yet
        given().header("Authorization", "Bearer " + operator).post(path + "/passport/rotate").then()
                .statusCode(409).header("Retry-After", org.hamcrest.Matchers.notNullValue());
    }
}
