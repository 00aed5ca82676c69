package dev.sealpost.mail;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.mail.service.MailboxAccessLog;
import dev.sealpost.testing.PostgresAndKafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.sealpost.mail.MailTestSupport.as;
import static dev.sealpost.mail.MailTestSupport.passport;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MAILBOX_ACCESSED events: one per client and minute, bounded, every access counted, addresses believed only from the gateway. */
@QuarkusTest
@TestProfile(SmallLimitsProfile.class)
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "mail"), @ResourceArg(name = "passportAudience", value = "mail-service")})
class MailboxAccessLogTest {

    @Inject
    MailboxAccessLog accessLog;
    @Inject
    SettableClock clock;

    @Test
    void mailboxAccessIsOneEventPerClientAndMinute() throws Exception {
        String hana = passport("consumer", "hana", "hana@sealpost.test");
        clock.holdInThisMinute();
        for (int i = 0; i < 5; i++) {
            as(hana).header("User-Agent", "sealpost-cli/test").get("/api/mail/folders/inbox/messages").then().statusCode(200);
        }
        List<AccessEvent> events = accessEvents("hana");
        assertEquals(1, events.size(), "one access event for five requests in one minute: " + events);
        assertTrue(events.get(0).target().startsWith("hana@sealpost.test") && events.get(0).target().endsWith("requests=5"),
                events.get(0).target());
        assertEquals("sealpost-cli/test", events.get(0).userAgent());
    }

    /**
     * One caller changing its user agent at every request: the first clients of a minute (3 in this
     * profile) get their own event, the accesses of all further ones are counted in one more, and a
     * user agent is kept only as long as an event field — the access log's memory and its events stay
     * bounded, and every access is still counted.
     */
    @Test
    void anActorsClientsPastTheLimitAreCountedTogetherAndUserAgentsAreCut() throws Exception {
        String jonas = passport("consumer", "jonas", "jonas@sealpost.test");
        String longAgent = "x".repeat(4_000);
        clock.holdInThisMinute();
        for (String agent : List.of("client-1", "client-1", "client-2", longAgent, "client-4", "client-5", "client-1", "client-6")) {
            as(jonas).header("User-Agent", agent).get("/api/mail/folders/inbox/messages").then().statusCode(200);
        }
        Map<String, String> requestsByAgent = new HashMap<>();
        for (AccessEvent event : accessEvents("jonas")) {
            assertEquals(MailboxAccessLog.FURTHER_CLIENTS.equals(event.userAgent()) ? null : "127.0.0.1", event.sourceIp(), event.userAgent());
            assertTrue(requestsByAgent.put(event.userAgent(), event.target().replaceAll(".* requests=", "")) == null,
                    "one event per client: " + event.userAgent());
        }
        assertEquals(Map.of("client-1", "3", "client-2", "1", longAgent.substring(0, SecurityEvent.MAX_FIELD_LENGTH), "1",
                MailboxAccessLog.FURTHER_CLIENTS, "3"), requestsByAgent);
    }

    private record AccessEvent(String userAgent, String target, String sourceIp) {
    }

    /** Writes the access log's pending minutes, then reads a user's MAILBOX_ACCESSED events from the outbox. */
    private List<AccessEvent> accessEvents(String user) throws Exception {
        accessLog.flush(Instant.now().plusSeconds(120)).await().atMost(Duration.ofSeconds(10));
        List<AccessEvent> events = new ArrayList<>();
        try (Connection db = MailTestSupport.superuser(); var query = db.prepareStatement(
                "SELECT payload->>'userAgent', payload->>'target', payload->>'sourceIp' FROM outbox_event "
                        + "WHERE event_type = 'MAILBOX_ACCESSED' AND payload->'actor'->>'subject' = ?")) {
            query.setString(1, "subject-" + user);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(new AccessEvent(rows.getString(1), rows.getString(2), rows.getString(3)));
                }
            }
        }
        return events;
    }

    /**
     * Accesses counted while flushes take the counts away: every one is in some event. (The narrow
     * race of an increment on a counter a flush has just taken is too rare to provoke here; this
     * checks the counting as a whole.)
     */
    @Test
    void noAccessIsLostToAConcurrentFlush() throws Exception {
        dev.sealpost.mail.domain.Mailbox mailbox = new dev.sealpost.mail.domain.Mailbox(UUID.randomUUID(), "consumer", "subject-ivo",
                "ivo@sealpost.test", 1_000_000, 0);
        dev.sealpost.passport.Passport ivo = new dev.sealpost.passport.Passport("consumer", "http://issuer.test", "subject-ivo",
                "mail-service", Set.of("user"), null, "ivo@sealpost.test", Instant.now().plusSeconds(300), "kid");
        dev.sealpost.mail.service.RequestContext client = new dev.sealpost.mail.service.RequestContext("192.0.2.1", "race", null);
        int threads = 4;
        int each = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> accessing = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                accessing.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        accessLog.accessed(mailbox, ivo, client);
                    }
                }));
            }
            while (accessing.stream().anyMatch(access -> !access.isDone())) {
                accessLog.flush(Instant.now().plusSeconds(120)).await().atMost(Duration.ofSeconds(10));
            }
            for (java.util.concurrent.Future<?> access : accessing) {
                access.get();
            }
        } finally {
            pool.shutdown();
        }
        long counted = accessEvents("ivo").stream().mapToLong(event -> Long.parseLong(event.target().replaceAll(".* requests=", ""))).sum();
        assertEquals((long) threads * each, counted);
    }

    @org.junit.jupiter.api.AfterEach
    void releaseTheClock() {
        clock.release();
    }

    /**
     * The access log's client address: the gateway's X-Forwarded-For is believed from a trusted proxy
     * (loopback 127.0.0.1 here, as in the local stack), and from any other peer the connection's own
     * address is recorded — a caller reaching the service directly cannot choose what its owner reads.
     */
    @Test
    void theAccessLogBelievesXForwardedForOnlyFromTheGateway() throws Exception {
        String ines = passport("consumer", "ines", "ines@sealpost.test");
        clock.holdInThisMinute();
        assertEquals(200, listInboxFrom("127.0.0.1", ines, "203.0.113.7", "through-the-gateway"));
        assertEquals(200, listInboxFrom("127.0.0.2", ines, "198.51.100.9", "around-the-gateway"));
        Map<String, String> addressByAgent = new HashMap<>();
        for (AccessEvent event : accessEvents("ines")) {
            addressByAgent.put(event.userAgent(), event.sourceIp());
        }
        assertEquals(Map.of("through-the-gateway", "203.0.113.7", "around-the-gateway", "127.0.0.2"), addressByAgent);
    }

    /** Lists a mailbox's inbox over a connection made from the given local address; the response's status. */
    private static int listInboxFrom(String localAddress, String passport, String forwardedFor, String userAgent) throws Exception {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), io.restassured.RestAssured.port,
                InetAddress.getByName(localAddress), 0)) {
            socket.setSoTimeout(10_000);
            String request = "GET /api/mail/folders/inbox/messages HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + passport + "\r\nX-Forwarded-For: " + forwardedFor + "\r\n"
                    + "User-Agent: " + userAgent + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }
}
