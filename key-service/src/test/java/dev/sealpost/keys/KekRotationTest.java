package dev.sealpost.keys;

import dev.sealpost.testing.PostgresAndKafkaResource;
import dev.sealpost.testing.SealpostInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * KEK rotation: with a new current KEK configured next to the old one, every private part still
 * sealed under the old KEK is re-wrapped under the new one by the next lifecycle step, unchanged.
 */
@QuarkusTest
@TestProfile(KekRotationTest.NewKek.class)
@WithTestResource(value = PostgresAndKafkaResource.class, initArgs = @ResourceArg(name = "database", value = "key"))
class KekRotationTest {

    static final String NEW_KEK = "bmV3LXRlc3Qta2VrLTAxMjM0NTY3ODlhYmNkZWYwMTI=";

    public static class NewKek implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sealpost.keys.kek.current-id", "second",
                    "sealpost.keys.kek.keys.second", NEW_KEK,
                    "sealpost.keys.rotation.check-every", "1s");
        }
    }

    private static byte[] aad(String kid, String tenant, String purpose) {
        return ("sealpost/signing-key/" + kid + "/" + tenant + "/" + purpose).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] crypt(int mode, String base64Kek, byte[] nonce, byte[] aad, byte[] input, int offset) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(Base64.getDecoder().decode(base64Kek), "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD(aad);
        return cipher.doFinal(input, offset, input.length - offset);
    }

    @Test
    void keysSealedUnderTheOldKekAreRewrappedUnderTheNewOne() throws Exception {
        String oldKek = ConfigProvider.getConfig().getValue("sealpost.keys.kek.keys.primary", String.class);
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        String database = url.substring(url.lastIndexOf('/') + 1);
        String kid;
        byte[] privateKey;
        try (Connection db = SealpostInfrastructure.postgres().connectAsSuperuser(database)) {
            // take the consumer's pending passport key (sealed under the new KEK at start) ...
            try (ResultSet row = db.createStatement().executeQuery("SELECT kid, private_key_sealed, kek_id FROM signing_key "
                    + "WHERE tenant = 'consumer' AND purpose = 'PASSPORT' AND state = 'PENDING'")) {
                row.next();
                kid = row.getString(1);
                byte[] sealed = row.getBytes(2);
                assertEquals("second", row.getString(3));
                privateKey = crypt(Cipher.DECRYPT_MODE, NEW_KEK, Arrays.copyOf(sealed, 12), aad(kid, "consumer", "PASSPORT"), sealed, 12);
            }
            // ... and seal it under the old KEK, as if it had been made before the KEK rotation
            byte[] nonce = new byte[12];
            new SecureRandom().nextBytes(nonce);
            byte[] oldSealed = crypt(Cipher.ENCRYPT_MODE, oldKek, nonce, aad(kid, "consumer", "PASSPORT"), privateKey, 0);
            byte[] stored = Arrays.copyOf(nonce, 12 + oldSealed.length);
            System.arraycopy(oldSealed, 0, stored, 12, oldSealed.length);
            try (PreparedStatement update = db.prepareStatement("UPDATE signing_key SET private_key_sealed = ?, kek_id = 'primary' WHERE kid = ?")) {
                update.setBytes(1, stored);
                update.setString(2, kid);
                assertEquals(1, update.executeUpdate());
            }
        }
        String rewrapped = kid;
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            try (Connection db = SealpostInfrastructure.postgres().connectAsSuperuser(database);
                 PreparedStatement query = db.prepareStatement("SELECT kek_id FROM signing_key WHERE kid = ?")) {
                query.setString(1, rewrapped);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    return "second".equals(row.getString(1));
                }
            }
        });
        try (Connection db = SealpostInfrastructure.postgres().connectAsSuperuser(database);
             PreparedStatement query = db.prepareStatement("SELECT private_key_sealed FROM signing_key WHERE kid = ?")) {
            query.setString(1, kid);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                byte[] sealed = row.getBytes(1);
                assertArrayEquals(privateKey, crypt(Cipher.DECRYPT_MODE, NEW_KEK, Arrays.copyOf(sealed, 12),
                        aad(kid, "consumer", "PASSPORT"), sealed, 12), "the same private key, now under the new KEK");
            }
        }
        // and the service still issues passports that verify
        String passport = KeyServiceClient.passport("consumer", "after-kek-rotation", List.of("user"), "mail-service");
        KeyServiceClient.verifier(io.restassured.RestAssured.port, "mail-service", Duration.ofSeconds(1)).verify(passport);
    }
}
