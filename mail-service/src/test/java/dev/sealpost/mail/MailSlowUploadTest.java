package dev.sealpost.mail;

import dev.sealpost.mail.service.InFlightMessageBytes;
import dev.sealpost.testing.PostgresAndKafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding 3 of issue 28, as the attack it was: sockets that declare a full-size message and send
 * 1 KiB every 2 s reserved the in-flight budget, and every other user's send got 503 while they
 * trickled. Now the attacker's second and third sends are refused at once (their share is spent),
 * everyone else's send goes through meanwhile, and the trickling body is cut off with a 408 problem
 * once the grace period (here 2 s) is over, which gives its bytes back.
 */
@QuarkusTest
@TestProfile(MailSlowUploadTest.Paced.class)
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "mail"), @ResourceArg(name = "passportAudience", value = "mail-service")})
class MailSlowUploadTest {

    public static class Paced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sealpost.limits.message-bytes", "15000", "sealpost.mail.max-in-flight-message-bytes", "30000",
                    "sealpost.mail.max-in-flight-message-bytes-per-user", "15000",
                    "sealpost.uploads.min-bytes-per-second", "2000", "sealpost.uploads.grace", "2s");
        }
    }

    @Inject
    InFlightMessageBytes inFlight;

    /** Sends 1 KiB every 2 s on the socket until the server closes it: the attack's pace. */
    private static void trickle(Socket socket) {
        Thread trickle = new Thread(() -> {
            try {
                while (!socket.isClosed()) {
                    socket.getOutputStream().write(new byte[1024]);
                    socket.getOutputStream().flush();
                    Thread.sleep(2_000);
                }
            } catch (Exception closed) {
                // the server closed the connection: what the attack is meant to meet
            }
        });
        trickle.setDaemon(true);
        trickle.start();
    }

    /** The server's answer on the socket (head and body, as far as its Content-Length goes), or what came before {@code wait} ran out. */
    private static String answer(Socket socket, Duration wait) throws Exception {
        socket.setSoTimeout((int) wait.toMillis());
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int read; (read = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, read);
                String text = answer.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
                if (end > 0 && length.find() && text.length() >= end + 4 + Integer.parseInt(length.group(1))) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // the answer so far
        }
        return answer.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void slowUploadsOfOneUserNeitherHoldTheBudgetNorLockOthersOut() throws Exception {
        assertEquals(0, inFlight.reserved());
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket socket = MailLoadSheddingTest.slowSend("u-mallory", 15_000);
                trickle(socket);
                sockets.add(socket);
            }
            long started = System.nanoTime();
            // one of them holds the user's whole share; meanwhile everyone else sends as usual: judged (here: not
            // a sealed message), never 503
            await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.reserved() == 15_000);
            assertEquals(400, MailLoadSheddingTest.send("u-bob", 12_000));
            // the other two of the attacker's sends were refused at once, alone; the one that got in is cut off
            // once the grace period is over, which gives its bytes back
            List<String> answers = new ArrayList<>();
            for (Socket socket : sockets) {
                answers.add(answer(socket, Duration.ofSeconds(15)));
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(2, answers.stream().filter(answer -> answer.startsWith("HTTP/1.1 429")).count(), answers.toString());
            List<String> cut = answers.stream().filter(answer -> answer.startsWith("HTTP/1.1 408")).toList();
            assertEquals(1, cut.size(), answers.toString());
            assertTrue(answers.stream().allMatch(answer -> answer.contains("application/problem+json")), answers.toString());
            assertTrue(cut.get(0).contains("too slowly"), cut.get(0));
            assertTrue(tookMillis < 15_000, "cut off after " + tookMillis + " ms");
            await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.reserved() == 0);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        // a body that arrives at a normal pace is not affected
        assertEquals(400, MailLoadSheddingTest.send("u-mallory", 15_000));
    }
}
