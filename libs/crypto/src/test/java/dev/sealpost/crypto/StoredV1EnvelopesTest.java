package dev.sealpost.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Envelopes sealed by the v1 writer before v2 existed (test resource stored/v1-envelopes.json) still open. */
class StoredV1EnvelopesTest {

    private static final HexFormat HEX = HexFormat.of();
    private final JsonNode stored;
    private final PrivateKeys alice;
    private final PrivateKeys bob;
    private final PrivateKeys carol;

    StoredV1EnvelopesTest() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/stored/v1-envelopes.json")) {
            stored = new ObjectMapper().readTree(in);
        }
        alice = PrivateKeys.fromSecretBytes(HEX.parseHex(stored.get("alice").asText()));
        bob = PrivateKeys.fromSecretBytes(HEX.parseHex(stored.get("bob").asText()));
        carol = PrivateKeys.fromSecretBytes(HEX.parseHex(stored.get("carol").asText()));
    }

    private byte[] envelope(String name) {
        return HEX.parseHex(stored.get(name).asText());
    }

    @Test
    void aStoredV1EnvelopeOpensWithoutAManifest() throws Exception {
        byte[] envelope = envelope("small");
        assertEquals(1, EnvelopeHeader.parse(envelope).version());
        assertEquals(0, EnvelopeHeader.parse(envelope).headLength());
        for (PrivateKeys reader : new PrivateKeys[] {bob, alice}) {
            OpenedEnvelope opened = Envelope.open(envelope, new Mailbox("any@example.test", reader), new Contact("alice@example.test",
                    alice.publicBundle()));
            assertEquals(1, opened.version());
            assertTrue(opened.manifest().isEmpty());
            assertEquals("Stored before v2", opened.subject());
            assertEquals("Hello Bob, this is format v1.", new String(opened.body(), StandardCharsets.UTF_8));
        }
        assertThrows(CryptoException.NotARecipient.class,
                () -> Envelope.open(envelope, new Mailbox("c@example.test", carol), new Contact("a@example.test", alice.publicBundle())));
        assertThrows(CryptoException.UnsupportedVersion.class,
                () -> Envelope.openHead(envelope, new Mailbox("b@example.test", bob), new Contact("a@example.test", alice.publicBundle())));
        byte[] tampered = envelope.clone();
        tampered[tampered.length / 2] ^= 1;
        assertThrows(CryptoException.class,
                () -> Envelope.open(tampered, new Mailbox("b@example.test", bob), new Contact("a@example.test", alice.publicBundle())));
    }

    @Test
    void aStoredV1EnvelopeWithAttachmentsOpensInMemoryAndFromAFile(@TempDir Path dir) throws Exception {
        byte[] envelope = envelope("attachments");
        byte[] body = new byte[10_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        for (PrivateKeys reader : new PrivateKeys[] {bob, carol}) {
            OpenedEnvelope opened = Envelope.open(envelope, new Mailbox("r@example.test", reader), new Contact("a@example.test",
                    alice.publicBundle()));
            assertEquals("With attachments", opened.subject());
            assertArrayEquals(body, opened.body());
            assertEquals("first attachment", new String(opened.attachments().get(0), StandardCharsets.UTF_8));
            assertEquals(0, opened.attachments().get(1).length);
        }
        Path file = dir.resolve("v1.spen");
        Files.write(file, envelope);
        OpenedFiles files = Envelope.open(file, new Mailbox("r@example.test", bob), new Contact("a@example.test", alice.publicBundle()), dir);
        assertEquals("With attachments", files.subject());
        assertArrayEquals(body, Files.readAllBytes(files.body()));
        assertTrue(files.manifest().isEmpty());
    }
}
