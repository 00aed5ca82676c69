package dev.sealpost.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** libs/crypto against the published v2 vectors: the exact bytes of a seal, and the result of every listed open. */
class EnvelopeV2VectorsTest {

    private final JsonNode vector = EnvelopeV2Vectors.read();

    EnvelopeV2VectorsTest() throws Exception {
    }

    @Test
    void sealingWithTheGivenRandomnessGivesTheExactBytes() throws Exception {
        byte[] expected = EnvelopeV2Vectors.hex(vector, "envelope");
        assertArrayEquals(expected, EnvelopeV2Vectors.seal(vector));
        assertEquals(vector.get("envelopeLength").asInt(), expected.length);
        EnvelopeHeader header = EnvelopeHeader.parse(expected);
        assertEquals(vector.get("headLength").asLong(), header.headLength());
        assertArrayEquals(EnvelopeV2Vectors.hex(vector, "keyCommitment"), header.keyCommitment());
        // the commitment is HKDF of the given content key; it sits after the sender fingerprint
        assertArrayEquals(EnvelopeV2Vectors.hex(vector, "keyCommitment"), Arrays.copyOfRange(expected, 9 + 12 + 32, 9 + 12 + 64));
    }

    @Test
    void everyListedOpenHasItsResult() throws Exception {
        byte[] envelope = EnvelopeV2Vectors.hex(vector, "envelope");
        PublicBundle sender = EnvelopeV2Vectors.keys(vector, "sender").publicBundle();
        for (JsonNode open : vector.get("opens")) {
            Mailbox reader = new Mailbox(open.get("readerAddress").asText(), EnvelopeV2Vectors.keys(vector, open.get("reader").asText()));
            Contact claimed = new Contact(open.get("claimedSenderAddress").asText(), sender);
            String result = open.get("result").asText();
            if (result.equals("opens")) {
                OpenedEnvelope opened = Envelope.open(envelope, reader, claimed);
                assertEquals(vector.get("subject").asText(), opened.subject());
                assertEquals(vector.get("body").asText(), new String(opened.body(), StandardCharsets.UTF_8));
                assertEquals(vector.get("attachment").get("content").asText(), new String(opened.attachments().get(0), StandardCharsets.UTF_8));
                Manifest manifest = opened.manifest().orElseThrow();
                assertEquals(vector.get("messageId").asText(), manifest.messageId().toString());
                assertEquals(vector.get("date").asText(), manifest.date().toString());
                assertEquals(List.of(vector.get("recipientAddress").asText()), manifest.to());
                assertEquals(new AttachmentInfo(vector.get("attachment").get("name").asText(), vector.get("attachment").get("mediaType").asText(),
                        vector.get("attachment").get("content").asText().length()), manifest.attachments().get(0));
                byte[] head = Arrays.copyOf(envelope, vector.get("headLength").asInt());
                assertEquals(manifest.messageId(), Envelope.openHead(head, reader, claimed).manifest().messageId());
            } else {
                Class<? extends CryptoException> expected = switch (result) {
                    case "NotARecipient" -> CryptoException.NotARecipient.class;
                    case "NotAddressedToYou" -> CryptoException.NotAddressedToYou.class;
                    case "WrongSender" -> CryptoException.WrongSender.class;
                    default -> throw new AssertionError("unknown result " + result);
                };
                assertThrows(expected, () -> Envelope.open(envelope, reader, claimed), result);
            }
        }
    }
}
