package dev.sealpost.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.pqc.crypto.xwing.XWingKEMExtractor;
import org.bouncycastle.pqc.crypto.xwing.XWingKEMGenerator;
import org.bouncycastle.pqc.crypto.xwing.XWingPrivateKeyParameters;
import org.bouncycastle.util.test.FixedSecureRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The three published X-Wing vectors (draft-connolly-cfrg-xwing-kem): key generation, encapsulation, decapsulation. */
class XWingVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    static List<JsonNode> vectors() throws IOException {
        try (InputStream in = XWingVectorsTest.class.getResourceAsStream("/test-vectors/xwing-kem.json")) {
            List<JsonNode> out = new ArrayList<>();
            new ObjectMapper().readTree(in).forEach(out::add);
            return out;
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void keyPairFromSeedMatches(JsonNode vector) throws Exception {
        EncryptionKeyPair pair = EncryptionKeyPair.fromSeed(HEX.parseHex(vector.get("sk").asText()));
        assertArrayEquals(HEX.parseHex(vector.get("pk").asText()), pair.publicKey().toBytes());
        // the draft's 32-byte private key is the seed itself
        assertArrayEquals(HEX.parseHex(vector.get("seed").asText()), pair.seed());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void encapsulationWithTheGivenRandomnessMatches(JsonNode vector) throws Exception {
        EncryptionPublicKey publicKey = EncryptionPublicKey.fromBytes(HEX.parseHex(vector.get("pk").asText()));
        SecretWithEncapsulation result = new XWingKEMGenerator(new FixedSecureRandom(HEX.parseHex(vector.get("eseed").asText())))
                .generateEncapsulated(publicKey.parameters());
        assertArrayEquals(HEX.parseHex(vector.get("ct").asText()), result.getEncapsulation());
        assertArrayEquals(HEX.parseHex(vector.get("ss").asText()), result.getSecret());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void decapsulationMatches(JsonNode vector) throws Exception {
        EncryptionKeyPair pair = EncryptionKeyPair.fromSeed(HEX.parseHex(vector.get("sk").asText()));
        byte[] secret = new XWingKEMExtractor((XWingPrivateKeyParameters) pair.hpkeKeyPair().getPrivate())
                .extractSecret(HEX.parseHex(vector.get("ct").asText()));
        assertArrayEquals(HEX.parseHex(vector.get("ss").asText()), secret);
    }
}
