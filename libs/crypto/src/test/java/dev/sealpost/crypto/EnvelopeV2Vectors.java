package dev.sealpost.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bouncycastle.util.test.FixedSecureRandom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;

/**
 * The published format v2 vectors (test resource test-vectors/sealpost-envelope-v2.json): every input
 * of a seal — keys, randomness, date, content — and the exact envelope bytes it must give.
 * {@link #main} writes the expected outputs from the inputs; {@code EnvelopeV2VectorsTest} checks them.
 */
final class EnvelopeV2Vectors {

    static final String RESOURCE = "/test-vectors/sealpost-envelope-v2.json";
    private static final HexFormat HEX = HexFormat.of();

    private EnvelopeV2Vectors() {
    }

    static JsonNode read() throws IOException {
        try (var in = EnvelopeV2Vectors.class.getResourceAsStream(RESOURCE)) {
            return new ObjectMapper().readTree(in);
        }
    }

    static byte[] hex(JsonNode node, String field) {
        return HEX.parseHex(node.get(field).asText());
    }

    static PrivateKeys keys(JsonNode vector, String who) throws CryptoException {
        return PrivateKeys.fromSecretBytes(hex(vector, who + "PrivateKeys"));
    }

    /** Seals the vector's message with exactly its randomness; returns the one copy (To only). */
    static byte[] seal(JsonNode vector) throws Exception {
        PrivateKeys alice = keys(vector, "sender");
        PrivateKeys bob = keys(vector, "recipient");
        Deque<byte[]> seeds = new ArrayDeque<>();
        vector.get("encapsulationSeeds").forEach(seed -> seeds.add(HEX.parseHex(seed.asText())));
        byte[] contentKey = hex(vector, "contentKey");
        byte[] messageId = hex(vector, "messageId");
        SecureRandom signing = new FixedSecureRandom(hex(vector, "mlDsaRandomness"));
        SealRandomness fixed = new SealRandomness() {
            @Override
            public byte[] contentKey() {
                return contentKey.clone();
            }

            @Override
            public byte[] messageId() {
                return messageId.clone();
            }

            @Override
            public byte[] encapsulationSeed() {
                return seeds.removeFirst();
            }

            @Override
            public SecureRandom signing() {
                return signing;
            }
        };
        JsonNode attachment = vector.get("attachment");
        EnvelopeContent content = EnvelopeContent.builder().subject(vector.get("subject").asText())
                .body(vector.get("body").asText().getBytes(StandardCharsets.UTF_8))
                .attachment(attachment.get("name").asText(), attachment.get("mediaType").asText(),
                        attachment.get("content").asText().getBytes(StandardCharsets.UTF_8))
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Envelope.seal(content, Addressing.to(new Contact(vector.get("recipientAddress").asText(), bob.publicBundle())),
                new Mailbox(vector.get("senderAddress").asText(), alice), deliverTo -> out,
                Instant.parse(vector.get("date").asText()), fixed, vector.get("segmentSize").asInt());
        return out.toByteArray();
    }

    /** Fills in the expected outputs of src/test/resources/test-vectors/sealpost-envelope-v2.json. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "src/test/resources" + RESOURCE);
        ObjectMapper json = new ObjectMapper();
        ObjectNode vector = (ObjectNode) json.readTree(file.toFile());
        byte[] envelope = seal(vector);
        EnvelopeHeader header = EnvelopeHeader.parse(envelope);
        vector.put("keyCommitment", HEX.formatHex(Envelope.keyCommitment(hex(vector, "contentKey"))));
        vector.put("headLength", header.headLength());
        vector.put("envelopeLength", envelope.length);
        vector.put("envelope", HEX.formatHex(envelope));
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), vector);
        System.out.println("wrote " + file + ": " + envelope.length + " bytes, head " + header.headLength());
    }

}
