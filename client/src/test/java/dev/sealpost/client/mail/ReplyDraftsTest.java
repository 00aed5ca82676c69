package dev.sealpost.client.mail;

import dev.sealpost.crypto.Addressing;
import dev.sealpost.crypto.Envelope;
import dev.sealpost.crypto.EnvelopeContent;
import dev.sealpost.crypto.Mailbox;
import dev.sealpost.crypto.Manifest;
import dev.sealpost.crypto.OpenedEnvelope;
import dev.sealpost.crypto.PrivateKeys;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replies and forwards take their addresses and thread from the signed manifest. */
class ReplyDraftsTest {

    private static final Mailbox ALICE = new Mailbox("alice@example.test", PrivateKeys.generate());
    private static final Mailbox BOB = new Mailbox("bob@example.test", PrivateKeys.generate());
    private static final Mailbox CAROL = new Mailbox("carol@example.test", PrivateKeys.generate());

    private static OpenedMessage opened(Mailbox reader) throws Exception {
        byte[] envelope = Envelope.seal(EnvelopeContent.of("Plans", "line one\nline two"),
                Addressing.builder().to(BOB.contact()).cc(List.of(CAROL.contact())).build(), ALICE).get(0).envelope();
        OpenedEnvelope opened = Envelope.open(envelope, reader, ALICE.contact());
        MessageSummary summary = new MessageSummary(UUID.randomUUID(), "inbox", envelope.length, "alice@example.test",
                List.of("bob@example.test", "carol@example.test"), Instant.now(), Instant.now(), false, false);
        return new OpenedMessage(summary, 2, opened.manifest(), opened.subject(), opened.body(), List.of(), "00", 1, null);
    }

    @Test
    void aReplyGoesToTheSignedSenderAndContinuesTheThread() throws Exception {
        OpenedMessage original = opened(BOB);
        Manifest manifest = original.manifest().orElseThrow();
        Draft reply = ReplyDrafts.reply(original, "bob@example.test", false, "Sounds good.", List.of());
        assertEquals(List.of("alice@example.test"), reply.to());
        assertEquals(List.of(), reply.cc());
        assertEquals("Re: Plans", reply.subject());
        assertEquals(manifest.messageId(), reply.thread().inReplyTo());
        assertEquals(List.of(manifest.messageId()), reply.thread().references());
        String body = new String(reply.body(), StandardCharsets.UTF_8);
        assertTrue(body.startsWith("Sounds good.") && body.contains("> line one\n> line two"), body);

        Draft replyAll = ReplyDrafts.reply(original, "bob@example.test", true, "All: yes.", List.of());
        assertEquals(List.of("alice@example.test"), replyAll.to());
        assertEquals(List.of("carol@example.test"), replyAll.cc());
        assertEquals("Re: Plans", ReplyDrafts.reply(replyOf(replyAll), "alice@example.test", false, "", List.of()).subject());
    }

    private static OpenedMessage replyOf(Draft draft) {
        MessageSummary summary = new MessageSummary(UUID.randomUUID(), "inbox", 1, "bob@example.test", draft.to(), Instant.now(), Instant.now(),
                false, false);
        return new OpenedMessage(summary, 1, java.util.Optional.empty(), draft.subject(), draft.body(), List.of(), "00", 1, null);
    }

    @Test
    void aForwardStartsANewThreadAndCarriesTheSignedHeader() throws Exception {
        Draft forward = ReplyDrafts.forward(opened(CAROL), List.of("dave@example.test"), List.of(), List.of(), "FYI", List.of());
        assertEquals("Fwd: Plans", forward.subject());
        assertNull(forward.thread());
        String body = new String(forward.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("From: alice@example.test") && body.contains("Cc: carol@example.test") && body.endsWith("line two"), body);
    }
}
