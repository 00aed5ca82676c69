package dev.sealpost.keys;

import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.keys.service.DirectoryLog;
import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.SealpostInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Someone with direct database access (past the application role's limits) changes the directory:
 * clients notice through the proofs, and the service refuses to go on from a rewritten log.
 * Its own database (a test profile), because it breaks the log on purpose.
 */
@QuarkusTest
@TestProfile(DirectoryTamperingTest.OwnDatabase.class)
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = @ResourceArg(name = "database", value = "key"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DirectoryTamperingTest {

    public static class OwnDatabase implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sealpost.test.profile", "directory-tampering");
        }
    }

    private static final PrivateKeys BOB = PrivateKeys.generate();
    private static final PrivateKeys MALLORY = PrivateKeys.generate();

    @Inject
    DirectoryLog log;

    private static Connection superuser() throws Exception {
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        return SealpostInfrastructure.postgres().connectAsSuperuser(url.substring(url.lastIndexOf('/') + 1));
    }

    @Test
    @Order(1)
    void aBundleSwappedInTheDatabaseFailsTheClientsProof() throws Exception {
        String bob = KeyServiceClient.passportFor("bob@sealpost.test");
        String alice = KeyServiceClient.passportFor("alice@sealpost.test");
        DirectoryClient.publish(bob, "bob@sealpost.test", BOB.publicBundle().toBytes()).then().statusCode(201);
        DirectoryClient.publish(alice, "alice@sealpost.test", PrivateKeys.generate().publicBundle().toBytes()).then().statusCode(201);
        DirectoryClient.verifyLookup(DirectoryClient.lookup(alice, "bob@sealpost.test"));

        try (Connection db = superuser(); Statement statement = db.createStatement()) {
            statement.execute("ALTER TABLE key_bundle DISABLE TRIGGER key_bundle_append_only");
            try (PreparedStatement swap = db.prepareStatement(
                    "UPDATE key_bundle SET bundle = ?, fingerprint = ? WHERE address = 'bob@sealpost.test'")) {
                swap.setBytes(1, MALLORY.publicBundle().toBytes());
                swap.setBytes(2, MALLORY.publicBundle().fingerprint().toBytes());
                swap.executeUpdate();
            }
            statement.execute("ALTER TABLE key_bundle ENABLE TRIGGER key_bundle_append_only");
        }
        // the server hands out Mallory's bundle, but the client's check fails: it is not what the log says
        AssertionError refused = assertThrows(AssertionError.class,
                () -> DirectoryClient.verifyLookup(DirectoryClient.lookup(alice, "bob@sealpost.test")));
        assertEquals("inclusion proof does not verify", refused.getMessage());
    }

    @Test
    @Order(2)
    void aRewrittenLogEntryStopsTheLog() throws Exception {
        String alice = KeyServiceClient.passportFor("alice@sealpost.test");
        try (Connection db = superuser(); Statement statement = db.createStatement()) {
            statement.execute("ALTER TABLE log_entry DISABLE TRIGGER log_entry_append_only");
            try (PreparedStatement rewrite = db.prepareStatement(
                    "UPDATE log_entry SET fingerprint = ? WHERE tenant = 'consumer' AND address = 'bob@sealpost.test'")) {
                rewrite.setBytes(1, MALLORY.publicBundle().fingerprint().toBytes());
                assertEquals(1, rewrite.executeUpdate());
            }
            statement.execute("ALTER TABLE log_entry ENABLE TRIGGER log_entry_append_only");
        }
        // as after a restart: the log is reloaded from the database and checked against its signed head
        log.evict("consumer");
        given().header("Authorization", "Bearer " + alice).get("/api/keys/directory/alice@sealpost.test").then()
                .statusCode(503).contentType("application/problem+json");
        given().get("/api/keys/log/consumer/tree-head").then().statusCode(503);
        // and it does not sign a new head over the rewritten history
        String carol = KeyServiceClient.passportFor("carl@sealpost.test");
        DirectoryClient.publish(carol, "carl@sealpost.test", PrivateKeys.generate().publicBundle().toBytes()).then().statusCode(503);
        // other tenants are unaffected
        String dave = KeyServiceClient.passportFor("dave@acme.test");
        DirectoryClient.publish(dave, "dave@acme.test", PrivateKeys.generate().publicBundle().toBytes()).then().statusCode(201);
        assertTrue(DirectoryClient.verifyLookup(DirectoryClient.lookup(dave, "dave@acme.test")).treeSize() >= 1);
    }
}
