package dev.sealpost.keys;

import dev.sealpost.passport.JwksSource;
import dev.sealpost.passport.PassportVerifier;
import dev.sealpost.passport.TenantTrust;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Test helpers: the gateway's side of /internal/passports and a verifier like the other services'. */
final class KeyServiceClient {

    static final String GATEWAY_SECRET = "test-only-gateway-secret-0123456789";
    static final String CONSUMER_IDP = "http://localhost:18080/realms/consumer";
    static final String ACME_IDP = "http://localhost:18080/realms/acme";
    /** The issuer the service derives from sealpost.keys.public-url (default). */
    static final String PUBLIC_URL = "http://localhost:8081";

    private KeyServiceClient() {
    }

    static Response requestPassport(String tenant, String externalIssuer, String subject, List<String> roles, String audience) {
        return requestPassport(tenant, externalIssuer, subject, roles, audience, null);
    }

    static Response requestPassport(String tenant, String externalIssuer, String subject, List<String> roles, String audience,
            String address) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("externalIssuer", externalIssuer, "externalSubject", subject,
                "tenant", tenant, "roles", roles, "acr", "2fa", "audience", audience));
        if (address != null) {
            body.put("address", address);
        }
        return given().auth().preemptive().basic("sealpost-gateway", GATEWAY_SECRET)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/internal/passports");
    }

    /** A key-service passport for the holder of {@code address} (subject = the address's local part). */
    static String passportFor(String address) {
        String tenant = address.endsWith("@acme.test") ? "acme" : "consumer";
        String idp = tenant.equals("acme") ? ACME_IDP : CONSUMER_IDP;
        return requestPassport(tenant, idp, "subject-of-" + address, List.of("user"), "key-service", address)
                .then().statusCode(200).extract().path("passport");
    }

    static String passport(String tenant, String subject, List<String> roles, String audience) {
        String idp = tenant.equals("acme") ? ACME_IDP : CONSUMER_IDP;
        return requestPassport(tenant, idp, subject, roles, audience).then().statusCode(200).extract().path("passport");
    }

    /** A verifier configured like mail-service's, fetching JWKS over HTTP from the running test instance. */
    static PassportVerifier verifier(int port, String audience, Duration minRefresh) {
        String local = "http://localhost:" + port;
        List<TenantTrust> trust = List.of("consumer", "acme").stream()
                .map(tenant -> new TenantTrust(tenant, PUBLIC_URL + "/api/keys/tenants/" + tenant,
                        URI.create(local + "/api/keys/tenants/" + tenant + "/jwks/passport")))
                .toList();
        return new PassportVerifier(audience, trust, JwksSource.http(), Clock.systemUTC(), minRefresh);
    }
}
