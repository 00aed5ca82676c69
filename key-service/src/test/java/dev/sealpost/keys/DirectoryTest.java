package dev.sealpost.keys;

import dev.sealpost.crypto.PassphraseWrap;
import dev.sealpost.crypto.Argon2Parameters;
import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.crypto.merkle.MerkleProofs;
import dev.sealpost.testing.PostgresAndKafkaResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static dev.sealpost.keys.DirectoryClient.lookup;
import static dev.sealpost.keys.DirectoryClient.publish;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The directory: ownership, versions, proofs a client can check, append-only storage, backups. */
@QuarkusTest
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = @ResourceArg(name = "database", value = "key"))
class DirectoryTest {

    private static final PrivateKeys FIRST = PrivateKeys.generate();
    private static final PrivateKeys SECOND = PrivateKeys.generate();

    @Test
    void publishVersionsAndLookupWithProofs() throws Exception {
        String bob = KeyServiceClient.passportFor("bob@sealpost.test");
        String alice = KeyServiceClient.passportFor("alice@sealpost.test");
        publish(bob, "bob@sealpost.test", FIRST.publicBundle().toBytes()).then().statusCode(201).body("version", equalTo(1));
        // the same bundle again is a no-op
        publish(bob, "Bob@Sealpost.test", FIRST.publicBundle().toBytes()).then().statusCode(200).body("version", equalTo(1));
        publish(bob, "bob@sealpost.test", SECOND.publicBundle().toBytes()).then().statusCode(201).body("version", equalTo(2));

        DirectoryClient.Verified current = DirectoryClient.verifyLookup(lookup(alice, "bob@sealpost.test"));
        assertEquals(SECOND.publicBundle(), current.bundle());
        assertEquals(2, current.version());
        JsonPath first = given().header("Authorization", "Bearer " + alice).queryParam("version", 1)
                .get("/api/keys/directory/bob@sealpost.test").then().statusCode(200).extract().jsonPath();
        assertEquals(FIRST.publicBundle(), DirectoryClient.verifyLookup(first).bundle());

        // an acme user looks up a consumer address: across tenants, against the consumer log
        String carol = KeyServiceClient.passportFor("carol@acme.test");
        assertEquals(SECOND.publicBundle(), DirectoryClient.verifyLookup(lookup(carol, "bob@sealpost.test")).bundle());

        given().header("Authorization", "Bearer " + alice).get("/api/keys/directory/nobody@sealpost.test").then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/keys/directory/bob@sealpost.test").then().statusCode(401);
    }

    @Test
    void onlyTheAddressHolderPublishes() {
        String erin = KeyServiceClient.passportFor("erin@sealpost.test");
        publish(erin, "erin@sealpost.test", FIRST.publicBundle().toBytes()).then().statusCode(201);
        // a passport for another address
        String mallory = KeyServiceClient.passportFor("mallory@sealpost.test");
        publish(mallory, "erin@sealpost.test", SECOND.publicBundle().toBytes()).then().statusCode(403);
        // the same address claimed by another subject (e.g. a recycled mailbox at the identity provider)
        String impostor = KeyServiceClient.requestPassport("consumer", KeyServiceClient.CONSUMER_IDP, "another-subject", List.of(),
                "key-service", "erin@sealpost.test").then().statusCode(200).extract().path("passport");
        publish(impostor, "erin@sealpost.test", SECOND.publicBundle().toBytes()).then().statusCode(403)
                .body("detail", equalTo("this address is bound to another user"));
        // no address in the passport
        String noAddress = KeyServiceClient.passport("consumer", "no-address", List.of(), "key-service");
        publish(noAddress, "erin@sealpost.test", SECOND.publicBundle().toBytes()).then().statusCode(403);
        // an acme address cannot come with a consumer login
        KeyServiceClient.requestPassport("consumer", KeyServiceClient.CONSUMER_IDP, "x", List.of(), "key-service", "dave@acme.test")
                .then().statusCode(403);
    }

    @Test
    void badBundlesAreRefused() {
        String frank = KeyServiceClient.passportFor("frank@sealpost.test");
        publish(frank, "frank@sealpost.test", "not a bundle".getBytes()).then().statusCode(400).contentType("application/problem+json");
        byte[] forged = FIRST.publicBundle().toBytes();
        forged[forged.length - 1] ^= 1; // break the self-signature
        publish(frank, "frank@sealpost.test", forged).then().statusCode(400);
        publish(frank, "frank@sealpost.test", new byte[20_000]).then().statusCode(413);
        // keys that cannot be used safely are refused as malformed, whatever the signature says
        byte[] bundle = FIRST.publicBundle().toBytes();
        // docs/crypto.md: keys || u32 3,377 || the self-signature, and the X-Wing key (1,216 bytes) ends the keys
        int xWing = bundle.length - 4 - 3_377 - 1_216;
        byte[] badMlKem = bundle.clone();
        badMlKem[xWing] = 0x01;
        badMlKem[xWing + 1] = 0x0d; // the first coefficient is 3329 = q
        byte[] smallOrderX25519 = bundle.clone();
        java.util.Arrays.fill(smallOrderX25519, xWing + 1184, xWing + 1216, (byte) 0);
        byte[] smallOrderEd25519 = bundle.clone();
        java.util.Arrays.fill(smallOrderEd25519, 5, 37, (byte) 0);
        smallOrderEd25519[5] = 1; // the neutral element
        for (byte[] unsafe : List.of(badMlKem, smallOrderX25519, smallOrderEd25519)) {
            publish(frank, "frank@sealpost.test", unsafe).then().statusCode(400).contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("Malformed"));
        }
        publish(frank, "not-an-address", FIRST.publicBundle().toBytes()).then().statusCode(400);
    }

    @Test
    void aThousandAppendsStayProvablyConsistent() throws Exception {
        String grace = KeyServiceClient.passportFor("grace@sealpost.test");
        List<long[]> sizes = new ArrayList<>();
        List<byte[]> roots = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            PrivateKeys keys = i % 2 == 0 ? FIRST : SECOND;
            publish(grace, "grace@sealpost.test", keys.publicBundle().toBytes()).then().statusCode(201);
            if (i % 97 == 0 || i == 999) {
                DirectoryClient.Verified verified = DirectoryClient.verifyLookup(lookup(grace, "grace@sealpost.test"));
                assertEquals(keys.publicBundle(), verified.bundle());
                sizes.add(new long[] {verified.treeSize()});
                roots.add(verified.rootHash());
            }
        }
        // every earlier tree head is a prefix of every later one
        for (int a = 0; a < sizes.size(); a++) {
            for (int b = a + 1; b < sizes.size(); b++) {
                long from = sizes.get(a)[0];
                long to = sizes.get(b)[0];
                List<byte[]> proof = given().queryParam("from", from).queryParam("to", to).get("/api/keys/log/consumer/consistency")
                        .then().statusCode(200).extract().jsonPath().getList("proof", String.class).stream()
                        .map(Base64.getDecoder()::decode).toList();
                assertTrue(MerkleProofs.verifyConsistency(from, to, roots.get(a), roots.get(b), proof), from + " -> " + to);
            }
        }
        // and an old version's proof still verifies against the latest head
        JsonPath old = given().header("Authorization", "Bearer " + grace).queryParam("version", 3)
                .get("/api/keys/directory/grace@sealpost.test").then().statusCode(200).extract().jsonPath();
        DirectoryClient.verifyLookup(old);
    }

    @Test
    void theApplicationRoleCannotRewriteTheLog() throws Exception {
        String henry = KeyServiceClient.passportFor("henry@sealpost.test");
        publish(henry, "henry@sealpost.test", FIRST.publicBundle().toBytes()).then().statusCode(201);
        var config = ConfigProvider.getConfig();
        try (Connection app = DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class), config.getValue("quarkus.datasource.password", String.class))) {
            for (String sql : List.of("UPDATE log_entry SET version = version + 1", "DELETE FROM log_entry",
                    "TRUNCATE log_entry", "UPDATE tree_head SET tree_size = 0", "DELETE FROM tree_head",
                    "UPDATE key_bundle SET bundle = 'x'::bytea", "DELETE FROM key_bundle")) {
                SQLException refused = assertThrows(SQLException.class, () -> app.createStatement().execute(sql), sql);
                assertTrue(refused.getMessage().contains("permission denied") || refused.getMessage().contains("append-only"),
                        refused.getMessage());
            }
        }
    }

    @Test
    void backupsAreStoredButNeverRead() throws Exception {
        String ivy = KeyServiceClient.passportFor("ivy@sealpost.test");
        byte[] blob = PassphraseWrap.wrap(FIRST, "correct horse".toCharArray(), new Argon2Parameters(19 * 1024, 2, 1));
        given().header("Authorization", "Bearer " + ivy).get("/api/keys/backup").then().statusCode(404);
        given().header("Authorization", "Bearer " + ivy).contentType("application/octet-stream").body(blob)
                .put("/api/keys/backup").then().statusCode(204);
        byte[] fetched = given().header("Authorization", "Bearer " + ivy).get("/api/keys/backup").then().statusCode(200)
                .extract().asByteArray();
        assertArrayEquals(blob, fetched);
        assertEquals(FIRST.publicBundle(), PassphraseWrap.unwrap(fetched, "correct horse".toCharArray()).publicBundle());

        byte[] weak = blob.clone();
        weak[12] = 1; // iterations 2 -> 1
        given().header("Authorization", "Bearer " + ivy).contentType("application/octet-stream").body(weak)
                .put("/api/keys/backup").then().statusCode(400);
        given().header("Authorization", "Bearer " + ivy).contentType("application/octet-stream").body("junk".getBytes())
                .put("/api/keys/backup").then().statusCode(400);
        given().header("Authorization", "Bearer " + ivy).contentType("application/octet-stream").body(new byte[17_000])
                .put("/api/keys/backup").then().statusCode(413);
        // someone else's backup is not reachable
        String jack = KeyServiceClient.passportFor("jack@sealpost.test");
        given().header("Authorization", "Bearer " + jack).get("/api/keys/backup").then().statusCode(404);
        assertTrue(Arrays.equals(blob, fetched));
    }
}
