package dev.sealpost.client.state;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.auth.Tokens;
import dev.sealpost.crypto.PrivateKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileTest {

    @TempDir
    Path root;

    @Test
    void privateKeysAreStoredOnlyWrappedAndOwnerOnly() throws Exception {
        ClientHome home = new ClientHome(root);
        Profile alice = home.profile("Alice@Sealpost.TEST");
        assertEquals("alice@sealpost.test", alice.address());
        PrivateKeys keys = PrivateKeys.generate();
        alice.storeKeys(keys, "correct horse".toCharArray());
        assertEquals(keys.publicBundle().fingerprint(), alice.openKeys("correct horse".toCharArray()).publicBundle().fingerprint());
        ClientException.LocalState wrong = assertThrows(ClientException.LocalState.class, () -> alice.openKeys("wrong".toCharArray()));
        assertTrue(wrong.getMessage().contains("wrong passphrase"));
        Path file = alice.directory().resolve("keys.sealed");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(alice.directory())));
        // nothing of the passphrase on disk, and no temporary files left behind
        try (var files = Files.walk(root)) {
            for (Path path : files.filter(Files::isRegularFile).toList()) {
                assertFalse(path.getFileName().toString().startsWith(".tmp-"), path.toString());
                assertFalse(new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1).contains("correct horse"), path.toString());
            }
        }
    }

    @Test
    void sessionsTreeHeadsAndPinsSurviveARestart() throws Exception {
        ClientHome home = new ClientHome(root);
        Profile bob = home.profile("bob@sealpost.test");
        Tokens tokens = new Tokens("access", "refresh", Instant.parse("2026-01-01T00:05:00Z"), Instant.parse("2026-01-01T00:30:00Z"));
        bob.storeSession(tokens);
        bob.storeSeenTreeHead("consumer", new Profile.SeenTreeHead(7, "cm9vdA==", 123));
        bob.pin("Carol@Acme.test", "ab".repeat(32));
        home.makeCurrent(bob);

        ClientHome again = new ClientHome(root);
        Profile reopened = again.current().orElseThrow();
        assertEquals("bob@sealpost.test", reopened.address());
        assertEquals(tokens, reopened.session().orElseThrow());
        assertEquals(7, reopened.seenTreeHead("consumer").orElseThrow().treeSize());
        assertTrue(reopened.seenTreeHead("acme").isEmpty());
        assertEquals("ab".repeat(32), reopened.pinnedContacts().get("carol@acme.test"));
        assertTrue(tokens.accessUsableAt(Instant.parse("2026-01-01T00:04:00Z")));
        assertFalse(tokens.accessUsableAt(Instant.parse("2026-01-01T00:04:45Z")), "refreshed a little before it expires");
        assertFalse(tokens.toString().contains("access,"), "toString shows no token");
    }

    @Test
    void addressesAreCheckedBeforeTheyBecomePaths() {
        ClientHome home = new ClientHome(root);
        for (String bad : new String[] {"../etc/passwd", "alice", "alice@", "a/b@sealpost.test", "", null}) {
            assertThrows(ClientException.LocalState.class, () -> home.profile(bad), String.valueOf(bad));
        }
    }

    @Test
    void aDamagedStateFileIsAClearError() throws Exception {
        ClientHome home = new ClientHome(root);
        Profile carol = home.profile("carol@acme.test");
        carol.pin("dave@acme.test", "cd".repeat(32));
        Files.writeString(carol.directory().resolve("contacts.json"), "{not json");
        assertThrows(ClientException.LocalState.class, carol::pinnedContacts);
    }
}
