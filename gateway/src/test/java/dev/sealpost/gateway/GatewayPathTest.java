package dev.sealpost.gateway;

import dev.sealpost.testing.KeyServiceProcessResource;
import dev.sealpost.testing.KafkaResource;
import dev.sealpost.testing.RawHttp;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Path confusion (issue 28, finding 4): {@code /api/keys/log/../../keys/backup} was routed by the gateway as
 * the public transparency-log route (no token check, Authorization removed) while key-service resolved the
 * dot segments to the protected backup endpoint. Every spelling that is not the canonical one is refused
 * before routing. Sent over a raw socket: HTTP clients would normalise the path first.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = KeyServiceProcessResource.class, initArgs = @ResourceArg(name = "urlProperty",
        value = "sealpost.gateway.upstreams.key-service"))
class GatewayPathTest {

    @Test
    void theDotSegmentAttackOnThePublicLogRouteIsRefusedBeforeRouting() throws Exception {
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, "GET", "/api/keys/log/../../keys/backup",
                "Authorization: Bearer stolen-looking-token");
        assertEquals(400, answer.status(), answer.head());
        assertEquals("application/problem+json", answer.contentType());
        assertTrue(answer.body().contains("'..'"), answer.body());
    }

    @Test
    void everyNonCanonicalSpellingIsRefused() throws Exception {
        for (String path : new String[] {"/api/keys/log/./x", "/api/keys/log/%2e%2e/%2E%2E/keys/backup", "/api/keys/log/..%2Fkeys",
                "/api/keys/log/..%5ckeys", "/api/keys/log;x=1/../backup", "/api//keys/backup",
                "/api/keys/log/..", "/api/mail/folders/a%00b/messages", "/api/keys/directory/a%0ab"}) {
            RawHttp.Answer answer = RawHttp.send(RestAssured.port, "GET", path);
            assertEquals(400, answer.status(), path + " -> " + answer.head());
            assertEquals("application/problem+json", answer.contentType(), path);
        }
        // a raw backslash is not a valid request target at all: the HTTP codec refuses it before any handler
        assertEquals(400, RawHttp.send(RestAssured.port, "GET", "/api/keys/log/..\\..\\keys").status());
    }

    @Test
    void canonicalPathsStillRouteAndThePublicLogStaysPublic() throws Exception {
        // a public route goes on without a token; a protected one still needs a token (401, not 400)
        RawHttp.Answer jwks = RawHttp.send(RestAssured.port, "GET", "/api/keys/tenants/consumer/jwks/passport");
        assertEquals(200, jwks.status(), jwks.head());
        RawHttp.Answer backup = RawHttp.send(RestAssured.port, "GET", "/api/keys/backup");
        assertEquals(401, backup.status(), backup.head());
        assertNull(dev.sealpost.gateway.routing.CanonicalPaths.whatIsWrong("/api/keys/directory/alice%40sealpost.test"));
        assertNull(dev.sealpost.gateway.routing.CanonicalPaths.whatIsWrong("/api/mail/messages/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"));
    }
}
