package dev.sealpost.keys.service;

import dev.sealpost.keys.config.KeyServiceConfig;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Seals signing keys' private parts at rest: AES-256-GCM under a key-encryption key (KEK) from
 * configuration (an environment variable or a Kubernetes Secret), with the key's id, tenant and
 * purpose as associated data so a sealed blob cannot be moved to another row. Blobs record the KEK
 * id, so the KEK can be rotated by re-wrapping ({@link #needsRewrap}). Fails at start-up if the
 * current KEK is missing or not 32 bytes.
 */
@ApplicationScoped
public class KeyEncryption {

    private static final int NONCE_LENGTH = 12;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKeySpec> keks = new HashMap<>();
    private final String currentId;

    public KeyEncryption(KeyServiceConfig config) {
        this.currentId = config.kek().currentId();
        config.kek().keys().forEach((id, base64) -> {
            byte[] key = Base64.getDecoder().decode(base64.trim());
            if (key.length != 32) {
                throw new IllegalStateException("key-encryption key '" + id + "' must be 32 bytes (base64)");
            }
            keks.put(id, new SecretKeySpec(key, "AES"));
            Arrays.fill(key, (byte) 0);
        });
        if (!keks.containsKey(currentId)) {
            throw new IllegalStateException("the current key-encryption key '" + currentId + "' is not configured");
        }
    }

    public String currentKekId() {
        return currentId;
    }

    public boolean needsRewrap(String kekId) {
        return !currentId.equals(kekId);
    }

    public byte[] seal(byte[] privateKey, String kid, String tenant, String purpose) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keks.get(currentId), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad(kid, tenant, purpose));
            byte[] sealed = cipher.doFinal(privateKey);
            byte[] out = Arrays.copyOf(nonce, NONCE_LENGTH + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_LENGTH, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing a private key failed", e);
        }
    }

    public byte[] open(byte[] sealed, String kekId, String kid, String tenant, String purpose) {
        SecretKeySpec kek = keks.get(kekId);
        if (kek == null) {
            throw new IllegalStateException("key-encryption key '" + kekId + "' is not configured");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, sealed, 0, NONCE_LENGTH));
            cipher.updateAAD(aad(kid, tenant, purpose));
            return cipher.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a sealed private key does not open under its KEK", e);
        }
    }

    private static byte[] aad(String kid, String tenant, String purpose) {
        return ("sealpost/signing-key/" + kid + "/" + tenant + "/" + purpose).getBytes(StandardCharsets.UTF_8);
    }
}
