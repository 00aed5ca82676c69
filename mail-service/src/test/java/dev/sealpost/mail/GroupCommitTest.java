package dev.sealpost.mail;

import dev.sealpost.testing.ManagementInterface;
import dev.sealpost.testing.PostgresAndKafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.sealpost.mail.MailTestSupport.BOB;
import static dev.sealpost.mail.MailTestSupport.CAROL;
import static dev.sealpost.mail.MailTestSupport.alice;
import static dev.sealpost.mail.MailTestSupport.as;
import static dev.sealpost.mail.MailTestSupport.bob;
import static dev.sealpost.mail.MailTestSupport.carol;
import static dev.sealpost.mail.MailTestSupport.seal;
import static dev.sealpost.mail.MailTestSupport.superuser;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit of sends (DeliveryQueue): sends that wait for a writer while all writers run are written
 * together in one statement, each exactly as it would be alone; a group PostgreSQL refuses is written
 * again send by send, so only the refused send fails. The writers are held here by a table lock, so
 * that a group forms for certain rather than by timing.
 */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "mail"), @ResourceArg(name = "passportAudience", value = "mail-service")})
class GroupCommitTest {

    private static final int WRITERS = ConfigProvider.getConfig().getValue("sealpost.mail.delivery-writers", Integer.class);

    @BeforeEach
    void provisionMailboxes() {
        for (String passport : List.of(alice, bob, carol)) {
            as(passport).get("/api/mail/quota").then().statusCode(200);
        }
    }

    @Test
    void sendsWaitingTogetherAreWrittenInOneStatementEachAsItWouldBeAlone() throws Exception {
        long statementsBefore = metric("sealpost_mail_delivery_batch_size_count");
        long bobsBytes = usedBytes(bob);
        long carolsBytes = usedBytes(carol);
        long sentEvents = MailTestSupport.countEvents("MESSAGE_SENT");
        long receivedEvents = MailTestSupport.countEvents("MESSAGE_RECEIVED");
        // the writers' own sends, then a group: to bob, to carol, to both, in turn
        List<String> recipientsOf = new ArrayList<>();
        List<Supplier<Response>> sends = new ArrayList<>();
        List<byte[]> envelopes = new ArrayList<>();
        for (int i = 0; i < WRITERS + 6; i++) {
            String[] to = switch (i % 3) {
                case 0 -> new String[] {"bob@sealpost.test"};
                case 1 -> new String[] {"carol@acme.test"};
                default -> new String[] {"bob@sealpost.test", "carol@acme.test"};
            };
            byte[] envelope = seal("grouped " + i, List.of(BOB.publicBundle(), CAROL.publicBundle()));
            envelopes.add(envelope);
            recipientsOf.add(String.join(",", to));
            sends.add(() -> MailTestSupport.send(alice, envelope, to));
        }
        List<Response> responses = whileWritersAreHeld(sends);

        long expectedBobs = bobsBytes;
        long expectedCarols = carolsBytes;
        for (int i = 0; i < responses.size(); i++) {
            Response response = responses.get(i);
            assertEquals(201, response.statusCode(), response.asString());
            String sentId = response.path("messageId");
            // the sent copy and each recipient's copy refer to this send's envelope, with this send's recipients
            Map<String, List<String>> copies = copiesOfEnvelope(MailTestSupport.envelopeOf(sentId));
            List<String> recipients = Arrays.asList(recipientsOf.get(i).split(","));
            assertEquals(recipients.size() + 1, copies.size(), "send " + i + ": its copies " + copies);
            for (List<String> listed : copies.values()) {
                assertEquals(recipients, listed, "send " + i);
            }
            assertEquals(List.of((long) recipients.size() + 1, (long) recipients.size() + 1),
                    MailTestSupport.envelopeCopiesAndReferences(MailTestSupport.envelopeOf(sentId)));
            expectedBobs += recipients.contains("bob@sealpost.test") ? envelopes.get(i).length : 0;
            expectedCarols += recipients.contains("carol@acme.test") ? envelopes.get(i).length : 0;
        }
        // one statement per held writer and one for the group of six
        assertEquals(WRITERS + 1, metric("sealpost_mail_delivery_batch_size_count") - statementsBefore);
        assertEquals(expectedBobs, usedBytes(bob));
        assertEquals(expectedCarols, usedBytes(carol));
        assertEquals(sentEvents + WRITERS + 6, MailTestSupport.countEvents("MESSAGE_SENT"));
        assertEquals(receivedEvents + recipientsOf.stream().mapToLong(to -> to.split(",").length).sum(), MailTestSupport.countEvents("MESSAGE_RECEIVED"));
    }

    /**
     * Two sends of one group under the same Idempotency-Key (a client's retry racing its first try):
     * PostgreSQL refuses the group's statement, nothing of it is written, and each send is written
     * alone — the others arrive, the first of the pair too, and the second gets the 409 it would have got.
     */
    @Test
    void aGroupThatPostgresRefusesIsWrittenSendBySendAndOnlyTheRefusedSendFails() throws Exception {
        long statementsBefore = metric("sealpost_mail_delivery_batch_size_count");
        int bobsBefore = MailTestSupport.inboxSize(bob);
        String key = "race-" + UUID.randomUUID();
        byte[] retried = seal("retried", List.of(BOB.publicBundle()));
        List<Supplier<Response>> sends = new ArrayList<>();
        for (int i = 0; i < WRITERS + 2; i++) {
            byte[] envelope = seal("alongside " + i, List.of(BOB.publicBundle()));
            sends.add(() -> MailTestSupport.send(alice, envelope, "bob@sealpost.test"));
        }
        for (int i = 0; i < 2; i++) {
            sends.add(() -> withKey(key, retried));
        }
        List<Response> responses = whileWritersAreHeld(sends);

        for (Response response : responses.subList(0, WRITERS + 2)) {
            assertEquals(201, response.statusCode(), response.asString());
        }
        List<Integer> pair = responses.subList(WRITERS + 2, WRITERS + 4).stream().map(Response::statusCode).sorted().toList();
        assertEquals(List.of(201, 409), pair, "the first of the pair is sent, the second told to retry");
        assertEquals(bobsBefore + WRITERS + 3, MailTestSupport.inboxSize(bob));
        // the retry now gets the first's result
        assertEquals(200, withKey(key, retried).statusCode());
        // the held writers' statements, the refused group of four, then its four sends alone
        assertEquals(WRITERS + 1 + 4, metric("sealpost_mail_delivery_batch_size_count") - statementsBefore);
    }

    /**
     * Runs the first {@code WRITERS} sends while a lock holds their statements in PostgreSQL, then the
     * rest, which wait in the queue (its gauge says so); then lets them all go. Responses in order.
     */
    private static List<Response> whileWritersAreHeld(List<Supplier<Response>> sends) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(sends.size());
        try (Connection lock = superuser()) {
            lock.setAutoCommit(false);
            // a send's INSERT needs ROW EXCLUSIVE on sealed_envelope, which SHARE excludes; reads go on
            lock.createStatement().execute("LOCK TABLE sealed_envelope IN SHARE MODE");
            List<CompletableFuture<Response>> responses = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                responses.add(CompletableFuture.supplyAsync(sends.get(i), clients));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> statementsWaitingForTheLock() == WRITERS);
            for (int i = WRITERS; i < sends.size(); i++) {
                responses.add(CompletableFuture.supplyAsync(sends.get(i), clients));
            }
            int queued = sends.size() - WRITERS;
            await().atMost(Duration.ofSeconds(30)).until(() -> metric("sealpost_mail_delivery_waiting") == queued);
            assertEquals(WRITERS, statementsWaitingForTheLock(), "no more statements than writers");
            lock.rollback();
            List<Response> done = new ArrayList<>();
            for (CompletableFuture<Response> response : responses) {
                done.add(response.get(30, TimeUnit.SECONDS));
            }
            return done;
        } finally {
            clients.shutdownNow();
        }
    }

    private static long statementsWaitingForTheLock() throws Exception {
        try (Connection db = superuser(); ResultSet row = db.createStatement().executeQuery("SELECT count(*) FROM pg_locks l "
                + "JOIN pg_class c ON c.oid = l.relation WHERE NOT l.granted AND c.relname = 'sealed_envelope'")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Each copy of an envelope (by message id) with the recipients it lists. */
    private static Map<String, List<String>> copiesOfEnvelope(String envelopeId) throws Exception {
        try (Connection db = superuser();
                PreparedStatement query = db.prepareStatement("SELECT id, recipient_addresses FROM message WHERE envelope_id = ?::uuid")) {
            query.setString(1, envelopeId);
            Map<String, List<String>> copies = new java.util.HashMap<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Array listed = rows.getArray(2);
                    copies.put(rows.getString(1), Arrays.asList((String[]) listed.getArray()));
                }
            }
            return copies;
        }
    }

    private static Response withKey(String key, byte[] envelope) {
        RequestSpecification request = as(alice).header("Idempotency-Key", key).contentType("application/octet-stream").body(envelope);
        return request.queryParam("to", "bob@sealpost.test").post("/api/mail/messages");
    }

    private static long usedBytes(String passport) {
        return ((Number) as(passport).get("/api/mail/quota").path("usedBytes")).longValue();
    }

    /** A value of the service's Prometheus metrics (0 if not there yet). */
    private static long metric(String name) {
        String metrics = ManagementInterface.given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
