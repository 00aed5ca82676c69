package dev.sealpost.mail;

import dev.sealpost.mail.service.InFlightMessageBytes;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.TestPassportIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * More message bytes arriving at once than the budget (here 20,000): the send past it is refused at
 * once with 503 and Retry-After, and the budget comes back when a request ends — also when its
 * client goes away in the middle of the body. One user holds at most their share (here 15,000); past
 * it their own sends are refused with 429 and everyone else's still fit.
 */
@QuarkusTest
@TestProfile(MailLoadSheddingTest.SmallBudget.class)
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "mail"), @ResourceArg(name = "passportAudience", value = "mail-service")})
class MailLoadSheddingTest {

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the bodies here stay unfinished for seconds on purpose: no pace check cuts them off meanwhile
            return Map.of("sealpost.limits.message-bytes", "15000", "sealpost.mail.max-in-flight-message-bytes", "20000",
                    "sealpost.mail.max-in-flight-message-bytes-per-user", "15000", "sealpost.uploads.grace", "10m");
        }
    }

    @Inject
    InFlightMessageBytes inFlight;

    static String passport(String user) {
        return "Bearer " + TestPassportIssuer.get().passport("consumer", user, user + "@sealpost.test", "mail-service");
    }

    /** A send whose headers arrived and whose body is still coming (the client sends 100 of its bytes). */
    static Socket slowSend(String user, int contentLength) throws IOException {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        Socket socket = new Socket("127.0.0.1", port);
        String head = "POST /api/mail/messages?to=bob@sealpost.test HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + passport(user) + "\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: " + contentLength + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(new byte[100]);
        socket.getOutputStream().flush();
        return socket;
    }

    /** A send of {@code bytes} zeros: past the limits it is judged, and refused as no sealed message (400). */
    static int send(String user, int bytes) {
        return given().header("Authorization", passport(user)).contentType("application/octet-stream").body(new byte[bytes])
                .post("/api/mail/messages?to=bob@sealpost.test").statusCode();
    }

    @Test
    void sendsPastTheInFlightBudgetAreRefusedAndTheBudgetComesBack() throws Exception {
        assertEquals(0, inFlight.reserved());
        try (Socket first = slowSend("u-first", 10_000); Socket second = slowSend("u-second", 10_000)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.reserved() == 20_000);
            given().header("Authorization", passport("u-third")).contentType("application/octet-stream").body(new byte[5_000])
                    .post("/api/mail/messages?to=bob@sealpost.test")
                    .then().statusCode(503).header("Retry-After", "1").contentType("application/problem+json")
                    .body("status", equalTo(503));
            first.close(); // the client went away in the middle of its body
            await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.reserved() == 10_000);
            assertEquals(400, send("u-third", 5_000), "room again: the send goes on to be judged (here: not a sealed message)");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.reserved() == 0);
        // nothing leaks: many answered sends later, the budget is whole
        for (int i = 0; i < 20; i++) {
            assertEquals(400, send("u-many", 9_000));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.reserved() == 0);
    }

    @Test
    void oneUserCannotTakeTheBudgetFromEveryoneElse() throws Exception {
        try (Socket big = slowSend("u-greedy", 12_000)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.reserved() == 12_000);
            // the same user's second send does not fit their share (15,000): refused alone, with 429
            given().header("Authorization", passport("u-greedy")).contentType("application/octet-stream").body(new byte[5_000])
                    .post("/api/mail/messages?to=bob@sealpost.test")
                    .then().statusCode(429).header("Retry-After", "1").contentType("application/problem+json");
            // another user's send still fits the budget (20,000) and is judged
            assertEquals(400, send("u-other", 5_000));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.reserved() == 0);
    }

    @Test
    void aBodyIsNotReadForAnUnknownSender() {
        given().header("Authorization", "Bearer not-a-passport").contentType("application/octet-stream").body(new byte[5_000])
                .post("/api/mail/messages?to=bob@sealpost.test").then().statusCode(401).contentType("application/problem+json");
        assertEquals(0, inFlight.reserved());
    }
}
