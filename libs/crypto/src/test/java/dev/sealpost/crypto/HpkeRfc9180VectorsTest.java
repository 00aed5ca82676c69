package dev.sealpost.crypto;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 9180 Appendix A.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM) against the HPKE
 * implementation the envelopes use: the key schedule, every encryption and every export, in all four
 * modes. (Sealpost itself uses base mode with the X-Wing KEM and AES-256-GCM; the key schedule and
 * AEAD framing checked here are the same code.)
 */
class HpkeRfc9180VectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    record Section(Map<String, String> setup, List<Map<String, String>> encryptions, List<Map<String, String>> exports) {
        byte[] hex(String key) {
            return HEX.parseHex(setup.get(key));
        }
    }

    @Test
    void allFourModesReproduceTheRfcVectors() throws Exception {
        List<Section> sections = parse();
        assertEquals(4, sections.size(), "base, psk, auth, auth-psk");
        for (Section section : sections) {
            byte mode = (byte) Integer.parseInt(section.setup().get("mode"));
            HPKE hpke = new HPKE(mode, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM128);
            AsymmetricCipherKeyPair recipient = hpke.deserializePrivateKey(section.hex("skRm"), section.hex("pkRm"));
            byte[] info = section.hex("info");
            byte[] enc = section.hex("enc");
            HPKEContext receiver = switch (mode) {
                case 0 -> hpke.setupBaseR(enc, recipient, info);
                case 1 -> hpke.setupPSKR(enc, recipient, info, section.hex("psk"), section.hex("psk_id"));
                case 2 -> hpke.setupAuthR(enc, recipient, info, hpke.deserializePublicKey(section.hex("pkSm")));
                default -> hpke.setupAuthPSKR(enc, recipient, info, section.hex("psk"), section.hex("psk_id"),
                        hpke.deserializePublicKey(section.hex("pkSm")));
            };
            if (mode == 0) {
                // sender side with the vector's ephemeral key: same encapsulation, same ciphertexts
                HPKEContextWithEncapsulation sender = hpke.setupBaseS(hpke.deserializePublicKey(section.hex("pkRm")), info,
                        hpke.deserializePrivateKey(section.hex("skEm"), section.hex("pkEm")));
                assertArrayEquals(enc, sender.getEncapsulation());
                long sequence = 0;
                for (Map<String, String> encryption : section.encryptions()) {
                    // the vectors skip sequence numbers (…, 4, 255, 256); seal throw-away messages to get there
                    long target = Long.parseLong(encryption.get("sequence number"));
                    for (; sequence < target; sequence++) {
                        sender.seal(new byte[0], new byte[0]);
                    }
                    sequence++;
                    assertArrayEquals(HEX.parseHex(encryption.get("ct")),
                            sender.seal(HEX.parseHex(encryption.get("aad")), HEX.parseHex(encryption.get("pt"))),
                            "base mode seal, sequence " + encryption.get("sequence number"));
                }
            }
            // a receiver can only move forward by opening real ciphertexts: check the consecutive ones (0, 1, 2, …)
            for (Map<String, String> encryption : section.encryptions()) {
                if (Long.parseLong(encryption.get("sequence number")) != section.encryptions().indexOf(encryption)) {
                    break;
                }
                assertArrayEquals(HEX.parseHex(encryption.get("pt")),
                        receiver.open(HEX.parseHex(encryption.get("aad")), HEX.parseHex(encryption.get("ct"))),
                        "mode " + mode + " open, sequence " + encryption.get("sequence number"));
            }
            for (Map<String, String> export : section.exports()) {
                assertArrayEquals(HEX.parseHex(export.get("exported_value")),
                        receiver.export(HEX.parseHex(export.get("exporter_context")), Integer.parseInt(export.get("L"))),
                        "mode " + mode + " export");
            }
        }
    }

    /** Reads the RFC's "key: value" blocks; values may continue on following lines. */
    private static List<Section> parse() throws IOException {
        String text;
        try (InputStream in = HpkeRfc9180VectorsTest.class.getResourceAsStream(
                "/test-vectors/hpke-rfc9180-a1-x25519-sha256-aes128gcm.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Section> sections = new ArrayList<>();
        for (String part : text.split("\n### ")) {
            if (!part.contains("Setup Information")) {
                continue;
            }
            String[] blocks = part.split("~~~");
            // blocks[1] = setup, blocks[3] = encryptions, blocks[5] = exports
            sections.add(new Section(records(blocks[1]).get(0), records(blocks[3]), records(blocks[5])));
        }
        return sections;
    }

    private static List<Map<String, String>> records(String block) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String chunk : block.strip().split("\n\\s*\n")) {
            Map<String, String> record = new LinkedHashMap<>();
            String key = null;
            for (String line : chunk.split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) { // continuation lines are bare hex, never with a colon
                    key = line.substring(0, colon).strip();
                    record.put(key, line.substring(colon + 1).strip());
                } else if (key != null) {
                    record.put(key, record.get(key) + line.strip());
                }
            }
            out.add(record);
        }
        return out;
    }
}
