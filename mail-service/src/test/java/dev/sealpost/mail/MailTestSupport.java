package dev.sealpost.mail;

import dev.sealpost.crypto.Addressing;
import dev.sealpost.crypto.Contact;
import dev.sealpost.crypto.CryptoException;
import dev.sealpost.crypto.Envelope;
import dev.sealpost.crypto.EnvelopeContent;
import dev.sealpost.crypto.Mailbox;
import dev.sealpost.crypto.OpenedEnvelope;
import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.crypto.PublicBundle;
import dev.sealpost.testing.SealpostInfrastructure;
import dev.sealpost.testing.TestPassportIssuer;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What mail-service's tests share: users with keys and passports, sealing and sending through the
 * API, and the superuser's view of the test database.
 */
final class MailTestSupport {

    private MailTestSupport() {
    }

    static final PrivateKeys ALICE = PrivateKeys.generate();

    static final PrivateKeys BOB = PrivateKeys.generate();

    static final PrivateKeys CAROL = PrivateKeys.generate();

    static String passport(String tenant, String user, String address) {
        return TestPassportIssuer.get().passport(tenant, "subject-" + user, address, "mail-service", "user");
    }

    static final String alice = passport("consumer", "alice", "alice@sealpost.test");

    static final String bob = passport("consumer", "bob", "bob@sealpost.test");

    static final String carol = passport("acme", "carol", "carol@acme.test");

    static RequestSpecification as(String passport) {
        return given().header("Authorization", "Bearer " + passport);
    }

    /** The server never reads manifests; tests address each key by a name derived from its fingerprint. */
    static String addressOf(PublicBundle bundle) {
        return "k" + bundle.fingerprint().toHex().substring(0, 12) + "@sealpost.test";
    }

    static byte[] seal(String subject, List<PublicBundle> recipients) {
        return Envelope.seal(EnvelopeContent.of(subject, "body of " + subject),
                Addressing.builder().to(recipients.stream().map(bundle -> new Contact(addressOf(bundle), bundle)).toList()).build(),
                new Mailbox(addressOf(ALICE.publicBundle()), ALICE)).get(0).envelope();
    }

    static OpenedEnvelope open(byte[] envelope, PrivateKeys reader, PrivateKeys sender) throws CryptoException {
        return Envelope.open(envelope, new Mailbox(addressOf(reader.publicBundle()), reader),
                new Contact(addressOf(sender.publicBundle()), sender.publicBundle()));
    }

    static Response send(String passport, byte[] envelope, String... to) {
        RequestSpecification request = as(passport).contentType("application/octet-stream").body(envelope);
        for (String address : to) {
            request = request.queryParam("to", address);
        }
        return request.post("/api/mail/messages");
    }

    static int inboxSize(String passport) {
        return as(passport).queryParam("limit", 200).get("/api/mail/folders/inbox/messages").then().statusCode(200)
                .extract().jsonPath().getList("messages").size();
    }

    /** The id of the envelope a copy refers to. */
    static String envelopeOf(String messageId) {
        try (Connection db = superuser(); ResultSet row = db.createStatement().executeQuery(
                "SELECT envelope_id FROM message WHERE id = '" + UUID.fromString(messageId) + "'")) {
            assertTrue(row.next(), "message " + messageId);
            return row.getString(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The envelope's count of copies and how many messages refer to it; empty once the envelope is gone. */
    static List<Long> envelopeCopiesAndReferences(String envelopeId) throws Exception {
        try (Connection db = superuser(); ResultSet row = db.createStatement().executeQuery(
                "SELECT e.copies, (SELECT count(*) FROM message m WHERE m.envelope_id = e.id) FROM sealed_envelope e WHERE e.id = '"
                        + UUID.fromString(envelopeId) + "'")) {
            return row.next() ? List.of(row.getLong(1), row.getLong(2)) : List.of();
        }
    }

    static Response createFolder(String passport, String json) {
        return as(passport).contentType("application/json").body(json).post("/api/mail/folders");
    }

    static Connection superuser() throws Exception {
        return SealpostInfrastructure.superuserOfApplication();
    }

    static long countEvents(String type) throws Exception {
        try (Connection db = superuser(); ResultSet row = db.createStatement().executeQuery(
                "SELECT count(*) FROM outbox_event WHERE event_type = '" + type + "'")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** A {@code count(*)} query of one parameter, as the superuser. */
    static long count(String query, Object parameter) throws Exception {
        try (Connection db = superuser(); var statement = db.prepareStatement(query)) {
            statement.setObject(1, parameter);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
