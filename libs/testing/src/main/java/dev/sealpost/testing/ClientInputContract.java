package dev.sealpost.testing;

import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every service does with bad text in a URL and with a body that does not say what it is (issue 28,
 * findings 1 and 10): a 400/415 problem, never a 500 or a 404. Sent over a raw socket, so that the URL
 * reaches the service exactly as an attacker writes it. A service's foundation test implements this.
 */
public interface ClientInputContract {

    /** The attacks as they were found, each with the name of the parameter the answer must name, or null for a path. */
    record Attack(String target, String parameter) {
    }

    /** The exact requests found to fail (a NUL in a parameter or a path segment of a real endpoint). */
    List<Attack> controlCharacterAttacks();

    /** The Authorization header value the attacks carry (a valid passport of the service), or null. */
    String attackAuthorization();

    /** A real endpoint with a numeric query parameter, with {@code %s} where its value goes. */
    String numericParameterTarget();

    private static RawHttp.Answer send(String method, String target, String authorization, String... headers) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(headers));
        if (authorization != null) {
            all.add("Authorization: " + authorization);
        }
        return RawHttp.send(RestAssured.port, method, target, all.toArray(String[]::new));
    }

    @Test
    default void aControlCharacterInTheUrlIsA400ProblemNamingWhereItIs() throws Exception {
        for (Attack attack : controlCharacterAttacks()) {
            RawHttp.Answer answer = send("GET", attack.target(), attackAuthorization());
            assertEquals(400, answer.status(), attack.target() + " -> " + answer.head() + "\n" + answer.body());
            assertEquals("application/problem+json", answer.contentType(), attack.target());
            String where = attack.parameter() == null ? "path" : "'" + attack.parameter() + "'";
            assertTrue(answer.body().contains(where), attack.target() + " -> " + answer.body());
        }
    }

    @Test
    default void aNumberThatIsNotANumberIsA400ProblemNotA404() throws Exception {
        for (String value : new String[] {"abc", "99999999999999999999999", "1.5"}) {
            String target = String.format(numericParameterTarget(), value);
            RawHttp.Answer answer = send("GET", target, attackAuthorization());
            assertEquals(400, answer.status(), target + " -> " + answer.head() + "\n" + answer.body());
            assertEquals("application/problem+json", answer.contentType(), target);
        }
    }

    @Test
    default void aBodyWithoutContentTypeIsRefusedWith415() throws Exception {
        RawHttp.Answer answer = send("POST", "/api/anything", attackAuthorization(), "Content-Length: 0");
        assertTrue(answer.status() != 415, "an empty body needs no type: " + answer.head());
        // a 2-byte body without Content-Type; the socket sends the head only, the service refuses before reading
        answer = send("POST", "/api/anything", attackAuthorization(), "Content-Length: 2");
        assertEquals(415, answer.status(), answer.head());
        assertEquals("application/problem+json", answer.contentType());
    }
}
