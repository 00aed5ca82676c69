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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 28, finding 10: a 1 MB token and a long request line were answered 431 / 414 with an empty
 * body. Up to the decoder's ceiling (64 KiB of headers, 16 KiB of request line) the answer is a
 * problem; above it Vert.x still answers before any route runs (docs/operations.md, "Limits").
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = KeyServiceProcessResource.class, initArgs = @ResourceArg(name = "urlProperty",
        value = "sealpost.gateway.upstreams.key-service"))
class OversizedHeadTest {

    @Test
    void aTokenOverTheHeaderLimitIsA431Problem() throws Exception {
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, "GET", "/api/mail/folders",
                "Authorization: Bearer " + "a".repeat(20_000));
        assertEquals(431, answer.status(), answer.head());
        assertEquals("application/problem+json", answer.contentType());
        assertTrue(answer.body().contains("16384 bytes"), answer.body());
    }

    @Test
    void aRequestLineOverTheLimitIsA414Problem() throws Exception {
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, "GET", "/api/keys/directory/" + "b".repeat(5_000));
        assertEquals(414, answer.status(), answer.head());
        assertEquals("application/problem+json", answer.contentType());
        assertTrue(answer.body().contains("4096 bytes"), answer.body());
    }

    @Test
    void aHeadJustUnderTheLimitsIsServed() throws Exception {
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, "GET", "/api/keys/tenants/consumer/jwks/passport?x=" + "c".repeat(3_900),
                "X-Padding: " + "d".repeat(15_000));
        assertEquals(200, answer.status(), answer.head());
    }

    @Test
    void aHeadOverTheDecodersCeilingIsStillRefusedAndItsConnectionClosed() throws Exception {
        // like the 1 MB token of the finding (100 KB, so that the whole request fits the socket's buffers
        // before the server closes): Vert.x's decoder refuses it with its own empty answer
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, "GET", "/api/mail/folders",
                "Authorization: Bearer " + "a".repeat(100_000));
        assertEquals(431, answer.status(), answer.head());
        assertEquals("", answer.body());
    }
}
