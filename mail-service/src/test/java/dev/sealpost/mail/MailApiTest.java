package dev.sealpost.mail;

import dev.sealpost.crypto.Envelope;
import dev.sealpost.crypto.Contact;
import dev.sealpost.crypto.EnvelopeHeader;
import dev.sealpost.crypto.Mailbox;
import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.TestPassportIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.sealpost.mail.MailTestSupport.ALICE;
import static dev.sealpost.mail.MailTestSupport.BOB;
import static dev.sealpost.mail.MailTestSupport.CAROL;
import static dev.sealpost.mail.MailTestSupport.addressOf;
import static dev.sealpost.mail.MailTestSupport.alice;
import static dev.sealpost.mail.MailTestSupport.as;
import static dev.sealpost.mail.MailTestSupport.bob;
import static dev.sealpost.mail.MailTestSupport.carol;
import static dev.sealpost.mail.MailTestSupport.countEvents;
import static dev.sealpost.mail.MailTestSupport.createFolder;
import static dev.sealpost.mail.MailTestSupport.envelopeCopiesAndReferences;
import static dev.sealpost.mail.MailTestSupport.envelopeOf;
import static dev.sealpost.mail.MailTestSupport.inboxSize;
import static dev.sealpost.mail.MailTestSupport.open;
import static dev.sealpost.mail.MailTestSupport.passport;
import static dev.sealpost.mail.MailTestSupport.seal;
import static dev.sealpost.mail.MailTestSupport.send;
import static dev.sealpost.mail.MailTestSupport.superuser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mailbox API against real PostgreSQL and Kafka, with passports signed like key-service signs them. */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = {
        @ResourceArg(name = "database", value = "mail"), @ResourceArg(name = "passportAudience", value = "mail-service")})
class MailApiTest {

    static final PrivateKeys felixKeys = PrivateKeys.generate();

    @org.junit.jupiter.api.BeforeEach
    void provisionMailboxes() {
        // the first request of a user creates their mailbox (idempotent)
        for (String passport : List.of(alice, bob, carol)) {
            as(passport).get("/api/mail/quota").then().statusCode(200);
        }
    }

    @Test
    void aMessageReachesEveryRecipientAcrossTenantsAndTheSendersSentFolder() throws Exception {
        byte[] envelope = seal("quarterly", List.of(BOB.publicBundle(), CAROL.publicBundle()));
        String id = send(alice, envelope, "bob@sealpost.test", "Carol@Acme.test").then().statusCode(201)
                .body("recipients", equalTo(2)).extract().path("messageId");

        String bobsCopy = as(bob).get("/api/mail/folders/inbox/messages").then().statusCode(200)
                .body("messages.senderAddress", org.hamcrest.Matchers.hasItem("alice@sealpost.test"))
                .extract().path("messages.find { it.senderAddress == 'alice@sealpost.test' }.id");
        byte[] stored = as(bob).get("/api/mail/messages/" + bobsCopy + "/envelope").then().statusCode(200).extract().asByteArray();
        assertArrayEquals(envelope, stored);
        assertEquals("quarterly", open(stored, BOB, ALICE).subject());

        String carolsCopy = as(carol).get("/api/mail/folders/inbox/messages").then().statusCode(200)
                .extract().path("messages[0].id");
        assertEquals("quarterly", open(as(carol).get("/api/mail/messages/" + carolsCopy + "/envelope").asByteArray(),
                CAROL, ALICE).subject());
        // the head: a prefix from which carol's client verifies and reads manifest and subject alone
        byte[] head = as(carol).get("/api/mail/messages/" + carolsCopy + "/head").then().statusCode(200).extract().asByteArray();
        assertEquals(EnvelopeHeader.parse(envelope).headLength(), head.length);
        assertArrayEquals(java.util.Arrays.copyOf(envelope, head.length), head);
        assertEquals("quarterly", Envelope.openHead(head, new Mailbox(addressOf(CAROL.publicBundle()), CAROL),
                new Contact(addressOf(ALICE.publicBundle()), ALICE.publicBundle())).subject());
        as(bob).get("/api/mail/messages/" + carolsCopy + "/head").then().statusCode(404);
        as(alice).get("/api/mail/messages/" + id).then().statusCode(200).body("folder", equalTo("sent"))
                .body("recipientAddresses", equalTo(List.of("bob@sealpost.test", "carol@acme.test")));
        // carol's log (acme) holds the delivery, with carol as its owner and alice as the actor
        try (Connection db = superuser(); ResultSet row = db.createStatement().executeQuery(
                "SELECT count(*) FROM outbox_event WHERE event_type = 'MESSAGE_RECEIVED' AND payload->>'tenant' = 'acme' "
                        + "AND payload->'owner'->>'subject' = 'subject-carol' AND payload->'actor'->>'subject' = 'subject-alice'")) {
            row.next();
            assertTrue(row.getLong(1) >= 1);
        }
        // the recipient's copy belongs to the recipient's tenant
        try (Connection db = superuser(); ResultSet row = db.createStatement().executeQuery(
                "SELECT mb.tenant FROM message m JOIN mailbox mb ON mb.id = m.mailbox_id WHERE m.id = '" + UUID.fromString(carolsCopy) + "'")) {
            row.next();
            assertEquals("acme", row.getString(1));
        }
    }

    @Inject
    Pool pool;

    @Test
    void theServicesConnectionsPlanEachStatementOnce() {
        // a startup parameter of every connection of the pool (application.properties), not a session SET that a new connection would lack
        for (int i = 0; i < 3; i++) {
            assertEquals("force_generic_plan", pool.query("SELECT current_setting('plan_cache_mode') AS mode").execute()
                    .await().atMost(Duration.ofSeconds(10)).iterator().next().getString("mode"));
        }
    }

    @Test
    void anEnvelopeIsStoredOnceForAllItsCopiesAndGoesWithTheLastOne() throws Exception {
        byte[] envelope = seal("stored once", List.of(BOB.publicBundle(), CAROL.publicBundle()));
        String sentId = send(alice, envelope, "bob@sealpost.test", "carol@acme.test").then().statusCode(201).extract().path("messageId");
        String envelopeId = envelopeOf(sentId);
        assertEquals(List.of(3L, 3L), envelopeCopiesAndReferences(envelopeId), "one envelope row, counted and referred to by three copies");
        String bobsCopy = copyIn(bob, "alice@sealpost.test", sentId);
        String carolsCopy = copyIn(carol, "alice@sealpost.test", sentId);
        assertEquals(envelopeId, envelopeOf(bobsCopy));
        assertEquals(envelopeId, envelopeOf(carolsCopy));

        // bob and carol purge their copies at the same moment (trash, then for good): each takes the count down
        // under the envelope's row lock, so it ends at exactly one, the sender's copy
        as(bob).delete("/api/mail/messages/" + bobsCopy).then().statusCode(204);
        as(carol).delete("/api/mail/messages/" + carolsCopy).then().statusCode(204);
        CompletableFuture<Integer> bobPurges = CompletableFuture.supplyAsync(() -> as(bob).delete("/api/mail/messages/" + bobsCopy).statusCode());
        CompletableFuture<Integer> carolPurges = CompletableFuture.supplyAsync(() -> as(carol).delete("/api/mail/messages/" + carolsCopy).statusCode());
        assertEquals(204, bobPurges.join());
        assertEquals(204, carolPurges.join());
        assertEquals(List.of(1L, 1L), envelopeCopiesAndReferences(envelopeId));
        // alice's copy still opens, whole
        assertArrayEquals(envelope, as(alice).get("/api/mail/messages/" + sentId + "/envelope").then().statusCode(200).extract().asByteArray());

        as(alice).delete("/api/mail/messages/" + sentId).then().statusCode(204);
        as(alice).delete("/api/mail/messages/" + sentId).then().statusCode(204);
        assertEquals(List.of(), envelopeCopiesAndReferences(envelopeId), "the last copy took the envelope with it");
    }

    @Test
    void theDatabaseKeepsEveryMessageInAFolderOfItsOwnMailbox() throws Exception {
        String sentId = send(alice, seal("own folder", List.of(BOB.publicBundle())), "bob@sealpost.test").then().statusCode(201)
                .extract().path("messageId");
        try (Connection db = superuser()) {
            SQLException refused = assertThrows(SQLException.class, () -> db.createStatement()
                    .executeUpdate("UPDATE message SET folder_id = (SELECT f.id FROM folder f JOIN mailbox mb ON mb.id = f.mailbox_id "
                            + "WHERE mb.address = 'bob@sealpost.test' AND f.kind = 'INBOX') WHERE id = '" + UUID.fromString(sentId) + "'"));
            assertEquals("23503", refused.getSQLState(), refused.getMessage());
            assertTrue(refused.getMessage().contains("a message must be in a folder of its own mailbox"), refused.getMessage());
            // a new copy too: bob's inbox is not a folder of alice's mailbox
            SQLException insertRefused = assertThrows(SQLException.class, () -> db.createStatement().executeUpdate(
                    "INSERT INTO message (id, mailbox_id, folder_id, envelope_id, size_bytes, sender_address, recipient_addresses, "
                            + "sent_at, received_at) SELECT gen_random_uuid(), m.mailbox_id, (SELECT f.id FROM folder f JOIN mailbox mb "
                            + "ON mb.id = f.mailbox_id WHERE mb.address = 'bob@sealpost.test' AND f.kind = 'INBOX'), m.envelope_id, "
                            + "m.size_bytes, m.sender_address, m.recipient_addresses, m.sent_at, m.received_at FROM message m WHERE m.id = '"
                            + UUID.fromString(sentId) + "'"));
            assertEquals("23503", insertRefused.getSQLState(), insertRefused.getMessage());
            // the check holds without a lock only because a folder never goes away or changes mailbox
            String alicesInbox = "(SELECT f.id FROM folder f JOIN mailbox mb ON mb.id = f.mailbox_id WHERE mb.address = 'alice@sealpost.test' "
                    + "AND f.kind = 'INBOX')";
            for (String change : List.of("DELETE FROM folder WHERE id = " + alicesInbox,
                    "UPDATE folder SET mailbox_id = (SELECT id FROM mailbox WHERE address = 'bob@sealpost.test') WHERE id = " + alicesInbox,
                    "UPDATE folder SET id = gen_random_uuid() WHERE id = " + alicesInbox,
                    "TRUNCATE folder")) {
                SQLException permanent = assertThrows(SQLException.class, () -> db.createStatement().executeUpdate(change), change);
                assertEquals("23001", permanent.getSQLState(), change + ": " + permanent.getMessage());
            }
        }
        as(alice).get("/api/mail/messages/" + sentId).then().statusCode(200).body("folder", equalTo("sent"));
        as(alice).get("/api/mail/folders/inbox/messages").then().statusCode(200);
    }

    /**
     * A send does not lock the folders it stores into: with a foreign key to the folder, every send to
     * one mailbox took a share lock on the same inbox row (a MultiXact once concurrent), which made most
     * of the fixed-rate latency tail (V2_5). Here another transaction holds both folder rows exclusively;
     * a send that needed a lock on either would wait for it.
     */
    @Test
    void aSendTakesNoLockOnTheFoldersItStoresInto() throws Exception {
        byte[] envelope = seal("no folder lock", List.of(BOB.publicBundle()));
        // both mailboxes exist (with their folders) before their folders are locked
        send(alice, envelope, "bob@sealpost.test").then().statusCode(201);
        try (Connection db = superuser()) {
            db.setAutoCommit(false);
            try (ResultSet locked = db.createStatement().executeQuery("SELECT f.id FROM folder f JOIN mailbox mb ON mb.id = f.mailbox_id "
                    + "WHERE (mb.address = 'bob@sealpost.test' AND f.kind = 'INBOX') OR (mb.address = 'alice@sealpost.test' AND f.kind = 'SENT') "
                    + "FOR UPDATE OF f")) {
                int rows = 0;
                while (locked.next()) {
                    rows++;
                }
                assertEquals(2, rows, "bob's inbox and alice's sent folder");
            }
            ExecutorService client = Executors.newSingleThreadExecutor();
            try {
                CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(
                        () -> send(alice, envelope, "bob@sealpost.test").statusCode(), client);
                // a send waiting for the lock would only end when this transaction does: give it far longer than a send takes
                assertEquals(201, sent.get(30, java.util.concurrent.TimeUnit.SECONDS));
            } finally {
                db.rollback();
                client.shutdownNow();
            }
        }
    }

    /** The recipient's copy of a send, found by its envelope. */
    private static String copyIn(String passport, String sender, String sentId) {
        String envelopeId = envelopeOf(sentId);
        List<String> ids = as(passport).queryParam("limit", 200).get("/api/mail/folders/inbox/messages").then().statusCode(200)
                .extract().jsonPath().getList("messages.findAll { it.senderAddress == '" + sender + "' }.id", String.class);
        for (String id : ids) {
            if (envelopeOf(id).equals(envelopeId)) {
                return id;
            }
        }
        throw new AssertionError("no copy of " + sentId + " in the inbox");
    }

    @Test
    void someoneElsesMessageIsNotFoundAndRecorded() throws Exception {
        send(alice, seal("private", List.of(BOB.publicBundle())), "bob@sealpost.test").then().statusCode(201);
        String bobsCopy = as(bob).get("/api/mail/folders/inbox/messages").then().extract().path("messages[0].id");
        long deniedBefore = countEvents("MAILBOX_ACCESS_DENIED");
        as(carol).get("/api/mail/messages/" + bobsCopy).then().statusCode(404).contentType("application/problem+json");
        as(carol).get("/api/mail/messages/" + bobsCopy + "/envelope").then().statusCode(404);
        as(alice).contentType("application/json").body("{\"folder\":\"archive\"}").post("/api/mail/messages/" + bobsCopy + "/move")
                .then().statusCode(404);
        as(alice).delete("/api/mail/messages/" + bobsCopy).then().statusCode(404);
        as(alice).contentType("application/json").body("{\"seen\":true}").patch("/api/mail/messages/" + bobsCopy).then().statusCode(404);
        // same answer for an id that does not exist at all
        as(carol).get("/api/mail/messages/" + UUID.randomUUID()).then().statusCode(404);
        // bob's message is untouched
        as(bob).get("/api/mail/messages/" + bobsCopy).then().statusCode(200).body("folder", equalTo("inbox")).body("seen", equalTo(false));
        // each attempt is an event in the actor's tenant, and in the owner's when that is another tenant:
        // carol (acme) twice on bob's (consumer) message = 4, alice (consumer) three times = 3, the unknown id = 1
        assertEquals(8, countEvents("MAILBOX_ACCESS_DENIED") - deniedBefore);
        // and bob, whose message it was, is named as the owner of the attempts on it
        try (Connection db = superuser(); ResultSet row = db.createStatement().executeQuery(
                "SELECT count(*) FROM outbox_event WHERE event_type = 'MAILBOX_ACCESS_DENIED' AND payload->'owner'->>'subject' = 'subject-bob'"
                        + " AND payload->>'target' LIKE 'message:" + UUID.fromString(bobsCopy) + "%'")) {
            row.next();
            assertEquals(7, row.getLong(1));
        }
    }

    /** A JSON body sent chunked, without Content-Length (RestAssured always sends a length); the status. */
    private static int chunkedPost(String path, String passport, String json) throws java.io.IOException {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + passport + "\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + Integer.toHexString(body.length) + "\r\n" + json + "\r\n0\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    @Test
    void aUserCreatesFoldersOfTheirOwnAndFilesMessagesInThem() {
        String felix = passport("consumer", "felix", "felix@sealpost.test");
        createFolder(felix, "{\"name\":\"Projects 2026\"}").then().statusCode(201).body("name", equalTo("Projects 2026"));
        createFolder(felix, "{\"name\":\"ärzte_und.Ämter-1\"}").then().statusCode(201);
        // standard folders first, then the user's by name
        as(felix).get("/api/mail/folders").then().statusCode(200)
                .body("", equalTo(List.of("archive", "drafts", "inbox", "sent", "trash", "Projects 2026", "ärzte_und.Ämter-1")));

        send(alice, seal("to file", List.of(felixKeys.publicBundle())), "felix@sealpost.test").then().statusCode(201);
        String copy = as(felix).get("/api/mail/folders/inbox/messages").then().extract().path("messages[0].id");
        as(felix).contentType("application/json").body("{\"folder\":\"Projects 2026\"}").post("/api/mail/messages/" + copy + "/move")
                .then().statusCode(204);
        as(felix).get("/api/mail/folders/Projects 2026/messages").then().statusCode(200).body("messages.id", equalTo(List.of(copy)));
        as(felix).get("/api/mail/messages/" + copy).then().body("folder", equalTo("Projects 2026"));

        // a name already taken — also in another case, which would read as the same folder
        for (String taken : List.of("Projects 2026", "projects 2026", "INBOX", "Trash")) {
            createFolder(felix, "{\"name\":\"" + taken + "\"}").then().statusCode(409).contentType("application/problem+json");
        }
        // names that are not names; no body
        for (String bad : List.of("\"\"", "\" leading\"", "\"trailing \"", "\"a/b\"", "\"../inbox\"", "\".\"", "\"..\"", "\"tab\\there\"",
                "\"" + "x".repeat(65) + "\"", "null",
                // not text: Jackson would have made them the folders "42", "true" and "4.2"
                "42", "true", "4.2")) {
            assertEquals(400, createFolder(felix, "{\"name\":" + bad + "}").then().contentType("application/problem+json").extract().statusCode(), bad);
        }
        as(felix).contentType("application/json").post("/api/mail/folders").then().statusCode(400);
        createFolder("not-a-passport", "{\"name\":\"x\"}").then().statusCode(401);
        // another user's folders are their own: bob has no "Projects 2026", and alice cannot file into felix's
        as(bob).get("/api/mail/folders/Projects 2026/messages").then().statusCode(404);
        as(felix).get("/api/mail/folders").then().body("", hasSize(7));
    }

    @Test
    void aNewUsersFirstRequestsAtOnceCreateOneMailboxWithItsFolders() throws Exception {
        String erin = passport("consumer", "erin", "erin@sealpost.test");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Integer>> firsts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                firsts.add(CompletableFuture.supplyAsync(() -> as(erin).get("/api/mail/folders").statusCode(), threads));
            }
            for (CompletableFuture<Integer> first : firsts) {
                assertEquals(200, first.get());
            }
        } finally {
            threads.shutdown();
        }
        try (Connection db = superuser(); ResultSet row = db.createStatement().executeQuery("SELECT count(DISTINCT m.id), count(f.id), "
                + "string_agg(f.name, ',' ORDER BY f.name) FROM mailbox m JOIN folder f ON f.mailbox_id = m.id WHERE m.address = 'erin@sealpost.test'")) {
            row.next();
            assertEquals(1, row.getLong(1));
            assertEquals("archive,drafts,inbox,sent,trash", row.getString(3));
        }
        as(erin).get("/api/mail/folders").then().statusCode(200).body("", equalTo(List.of("archive", "drafts", "inbox", "sent", "trash")));
    }

    @Test
    void anAcmePassportCannotTakeOverAConsumerMailbox() {
        String impostor = passport("acme", "mallory", "bob@sealpost.test");
        as(impostor).get("/api/mail/folders/inbox/messages").then().statusCode(409).contentType("application/problem+json");
        as("not-a-passport").get("/api/mail/quota").then().statusCode(401);
        given().get("/api/mail/quota").then().statusCode(401);
        String forMailOfAnotherService = TestPassportIssuer.get().passport("consumer", "subject-bob", "bob@sealpost.test", "audit-service");
        as(forMailOfAnotherService).get("/api/mail/quota").then().statusCode(401);
    }

    @Test
    void aRetriedSendWithTheSameKeyIsANoOp() {
        byte[] envelope = seal("once", List.of(BOB.publicBundle()));
        int before = inboxSize(bob);
        String key = "send-" + UUID.randomUUID();
        String first = as(alice).header("Idempotency-Key", key).contentType("application/octet-stream").body(envelope)
                .queryParam("to", "bob@sealpost.test").post("/api/mail/messages").then().statusCode(201).extract().path("messageId");
        String again = as(alice).header("Idempotency-Key", key).contentType("application/octet-stream").body(envelope)
                .queryParam("to", "bob@sealpost.test").post("/api/mail/messages").then().statusCode(200).extract().path("messageId");
        assertEquals(first, again);
        assertEquals(before + 1, inboxSize(bob));
        as(alice).header("Idempotency-Key", "bad key with spaces").contentType("application/octet-stream").body(envelope)
                .queryParam("to", "bob@sealpost.test").post("/api/mail/messages").then().statusCode(400);
    }

    /**
     * The same key for another message — other bytes, or other recipients — is refused (409): answering
     * "already sent" would tell the client a message was delivered that never was stored.
     */
    @Test
    void aKeyUsedAgainForAnotherMessageIsRefused() throws Exception {
        byte[] envelope = seal("first", List.of(BOB.publicBundle(), CAROL.publicBundle()));
        String key = "send-" + UUID.randomUUID();
        String first = sendWithKey(key, envelope, "bob@sealpost.test").then().statusCode(201).extract().path("messageId");
        int bobs = inboxSize(bob);
        int carols = inboxSize(carol);
        byte[] another = seal("second", List.of(BOB.publicBundle(), CAROL.publicBundle()));
        sendWithKey(key, another, "bob@sealpost.test").then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("another message"));
        sendWithKey(key, envelope, "bob@sealpost.test", "carol@acme.test").then().statusCode(409);
        assertEquals(bobs, inboxSize(bob));
        assertEquals(carols, inboxSize(carol));
        // the very same request is still a retry
        assertEquals(first, sendWithKey(key, envelope, "bob@sealpost.test").then().statusCode(200).extract().path("messageId"));
        // a key recorded before digests were kept (V2_6) is answered as before: a retry
        try (Connection db = superuser(); var forget = db.prepareStatement("UPDATE send_request SET request_digest = NULL WHERE idempotency_key = ?")) {
            forget.setString(1, key);
            assertEquals(1, forget.executeUpdate());
        }
        assertEquals(first, sendWithKey(key, another, "bob@sealpost.test").then().statusCode(200).extract().path("messageId"));
    }

    private static Response sendWithKey(String key, byte[] envelope, String... to) {
        RequestSpecification request = as(alice).header("Idempotency-Key", key).contentType("application/octet-stream").body(envelope);
        for (String address : to) {
            request = request.queryParam("to", address);
        }
        return request.post("/api/mail/messages");
    }

    @Test
    void concurrentSendsAllArriveAndTheQuotaAddsUp() throws Exception {
        int before = inboxSize(bob);
        long usedBefore = ((Number) as(bob).get("/api/mail/quota").path("usedBytes")).longValue();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Integer>> sends = new ArrayList<>();
        List<byte[]> envelopes = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            byte[] envelope = seal("concurrent " + i, List.of(BOB.publicBundle()));
            envelopes.add(envelope);
            sends.add(CompletableFuture.supplyAsync(() -> send(alice, envelope, "bob@sealpost.test").statusCode(), pool));
        }
        for (CompletableFuture<Integer> send : sends) {
            assertEquals(201, send.get());
        }
        pool.shutdown();
        assertEquals(before + 16, inboxSize(bob));
        long added = envelopes.stream().mapToLong(envelope -> envelope.length).sum();
        assertEquals(usedBefore + added, ((Number) as(bob).get("/api/mail/quota").path("usedBytes")).longValue());
    }

    @Test
    void limitsGetClearProblems() throws Exception {
        byte[] envelope = seal("limits", List.of(BOB.publicBundle()));
        // over 25 MiB: refused from Content-Length
        send(alice, new byte[25 * 1024 * 1024 + 1], "bob@sealpost.test").then().statusCode(413).contentType("application/problem+json");
        String[] tooMany = new String[65];
        for (int i = 0; i < tooMany.length; i++) {
            tooMany[i] = "user" + i + "@sealpost.test";
        }
        send(alice, envelope, tooMany).then().statusCode(400).body("detail", containsString("at most 64"));
        send(alice, "not an envelope".getBytes(), "bob@sealpost.test").then().statusCode(400).contentType("application/problem+json");
        byte[] truncated = java.util.Arrays.copyOf(envelope, envelope.length - 10);
        send(alice, truncated, "bob@sealpost.test").then().statusCode(400);
        send(alice, envelope).then().statusCode(400);
        send(alice, envelope, "nobody@sealpost.test").then().statusCode(400).body("detail", containsString("nobody@sealpost.test"));
        // sealed for bob and the sender's own copy: three addresses are more than its two keys
        send(alice, envelope, "bob@sealpost.test", "carol@acme.test", "alice@sealpost.test").then().statusCode(400)
                .body("detail", containsString("fewer recipients"));
        send(alice, envelope, "not an address").then().statusCode(400);
        as(alice).queryParam("limit", 201).get("/api/mail/folders/inbox/messages").then().statusCode(400);
        as(alice).queryParam("after", "garbage!").get("/api/mail/folders/inbox/messages").then().statusCode(400);
        as(alice).get("/api/mail/folders/nope/messages").then().statusCode(404);
        as(alice).get("/api/mail/messages/not-a-uuid").then().statusCode(404);
        // any other body is a small JSON document: over 64 KiB refused from its Content-Length, chunked refused
        String padded = "{\"name\":\"big\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
        createFolder(alice, padded).then().statusCode(413).contentType("application/problem+json");
        as(alice).contentType("application/json").body(padded).post("/api/mail/messages/" + UUID.randomUUID() + "/move")
                .then().statusCode(413);
        assertEquals(411, chunkedPost("/api/mail/folders", alice, "{\"name\":\"chunked\"}"));
        as(alice).get("/api/mail/folders").then().body("", not(org.hamcrest.Matchers.hasItem("big")));
    }

    @Test
    void pagesFlagsMovesAndTheTrash() {
        String dave = passport("acme", "dave", "dave@acme.test");
        as(dave).get("/api/mail/quota").then().statusCode(200);
        for (int i = 0; i < 5; i++) {
            send(alice, seal("page " + i, List.of(CAROL.publicBundle())), "dave@acme.test").then().statusCode(201);
        }
        Set<String> seen = new HashSet<>();
        String after = null;
        int pages = 0;
        do {
            RequestSpecification request = as(dave).queryParam("limit", 2);
            if (after != null) {
                request = request.queryParam("after", after);
            }
            var page = request.get("/api/mail/folders/inbox/messages").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("messages.id", String.class));
            after = page.getString("next");
            pages++;
        } while (after != null && pages < 10);
        assertEquals(5, seen.size());
        assertEquals(3, pages);

        String id = seen.iterator().next();
        // a flag is a JSON boolean: text or a number for it is refused, and changes nothing (StrictJson)
        // and JSON is read strictly (issue 28, finding 10): trailing data, a key given twice, an unknown field
        for (String mistyped : List.of("{\"seen\":\"true\"}", "{\"seen\":1}", "{\"flagged\":\"false\"}", "{\"seen\":true}xyz",
                "{\"seen\":false,\"seen\":true}", "{\"seen\":true,\"sen\":true}")) {
            as(dave).contentType("application/json").body(mistyped).patch("/api/mail/messages/" + id)
                    .then().statusCode(400).contentType("application/problem+json");
        }
        as(dave).get("/api/mail/messages/" + id).then().body("seen", equalTo(false));
        as(dave).contentType("application/json").body("{\"seen\":true,\"flagged\":true}").patch("/api/mail/messages/" + id)
                .then().statusCode(204);
        as(dave).get("/api/mail/messages/" + id).then().body("seen", equalTo(true)).body("flagged", equalTo(true));
        as(dave).contentType("application/json").body("{\"folder\":\"archive\"}").post("/api/mail/messages/" + id + "/move")
                .then().statusCode(204);
        as(dave).get("/api/mail/folders/archive/messages").then().body("messages", hasSize(1));
        long used = ((Number) as(dave).get("/api/mail/quota").path("usedBytes")).longValue();
        as(dave).delete("/api/mail/messages/" + id).then().statusCode(204);
        as(dave).get("/api/mail/messages/" + id).then().body("folder", equalTo("trash"));
        as(dave).delete("/api/mail/messages/" + id).then().statusCode(204);
        as(dave).get("/api/mail/messages/" + id).then().statusCode(404);
        assertTrue(((Number) as(dave).get("/api/mail/quota").path("usedBytes")).longValue() < used);
        as(dave).get("/api/mail/folders").then().body(equalTo(as(dave).get("/api/mail/folders").asString()))
                .body(not(containsString("page")));
    }

    @Test
    void aVersion1EnvelopeIsStillAcceptedAndHasNoHead() throws Exception {
        byte[] v1;
        try (var in = getClass().getResourceAsStream("/stored/v1-envelope.bin")) {
            v1 = in.readAllBytes();
        }
        assertEquals(1, EnvelopeHeader.parse(v1).version());
        send(alice, v1, "bob@sealpost.test").then().statusCode(201);
        String copy = as(bob).queryParam("limit", 200).get("/api/mail/folders/inbox/messages").then().statusCode(200)
                .extract().path("messages[0].id");
        assertArrayEquals(v1, as(bob).get("/api/mail/messages/" + copy + "/envelope").then().statusCode(200).extract().asByteArray());
        as(bob).get("/api/mail/messages/" + copy + "/head").then().statusCode(404).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("format 1"));
    }
}
