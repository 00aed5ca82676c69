package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.ByteReader;
import dev.sealpost.crypto.internal.ByteWriter;
import dev.sealpost.crypto.internal.Randomness;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Private keys wrapped under a passphrase, so the key service can keep backups it cannot read.
 * Argon2id derives a 256-bit key from the passphrase and a random salt; AES-256-GCM seals the keys
 * with the whole blob header (version, parameters, salt) as associated data.
 *
 * <pre>
 * blob = "SPKW" || u8 version (1) || u32 memory KiB || u32 iterations || u8 parallelism
 *        || salt (16) || nonce (12) || u32 length || AES-256-GCM(keys) with tag
 * </pre>
 */
public final class PassphraseWrap {

    private static final byte[] MAGIC = {0x53, 0x50, 0x4B, 0x57};
    private static final int VERSION = 1;
    private static final int SALT_LENGTH = 16;
    private static final int NONCE_LENGTH = 12;
    private static final int HEADER_LENGTH = 4 + 1 + 4 + 4 + 1 + SALT_LENGTH + NONCE_LENGTH;
    private static final int MAX_SEALED_LENGTH = 4096;

    private PassphraseWrap() {
    }

    public static byte[] wrap(PrivateKeys keys, char[] passphrase) {
        try {
            return wrap(keys, passphrase, Argon2Parameters.DEFAULT);
        } catch (CryptoException.WeakParameters e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] wrap(PrivateKeys keys, char[] passphrase, Argon2Parameters parameters) throws CryptoException.WeakParameters {
        parameters.requireAcceptable();
        byte[] salt = Randomness.bytes(SALT_LENGTH);
        byte[] nonce = Randomness.bytes(NONCE_LENGTH);
        byte[] header = new ByteWriter(HEADER_LENGTH).bytes(MAGIC).u8(VERSION)
                .u32(parameters.memoryKiB()).u32(parameters.iterations()).u8(parameters.parallelism())
                .bytes(salt).bytes(nonce).toByteArray();
        byte[] secret = keys.toSecretBytes();
        byte[] key = derive(passphrase, salt, parameters);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(header);
            byte[] sealed = cipher.doFinal(secret);
            return new ByteWriter(header.length + 4 + sealed.length).bytes(header).lengthPrefixed(sealed).toByteArray();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        } finally {
            Arrays.fill(secret, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Checks a blob's shape and parameters without any passphrase: what the key service runs before
     * it stores a backup it cannot read. Returns the Argon2id parameters the blob was made with.
     */
    public static Argon2Parameters inspect(byte[] blob) throws CryptoException {
        return Parsed.of(blob).parameters();
    }

    public static PrivateKeys unwrap(byte[] blob, char[] passphrase) throws CryptoException {
        Parsed parsed = Parsed.of(blob);
        byte[] key = derive(passphrase, parsed.salt(), parsed.parameters());
        byte[] secret = null;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, parsed.nonce()));
            cipher.updateAAD(parsed.header());
            secret = cipher.doFinal(parsed.sealed());
            return PrivateKeys.fromSecretBytes(secret);
        } catch (AEADBadTagException e) {
            throw new CryptoException.WrongPassphrase();
        } catch (GeneralSecurityException e) {
            if (e instanceof CryptoException crypto) {
                throw crypto;
            }
            throw new IllegalStateException("AES-GCM failed", e);
        } finally {
            Arrays.fill(key, (byte) 0);
            if (secret != null) {
                Arrays.fill(secret, (byte) 0);
            }
        }
    }

    /** A blob split into its fields, every length and parameter checked. */
    private record Parsed(Argon2Parameters parameters, byte[] salt, byte[] nonce, byte[] header, byte[] sealed) {

        static Parsed of(byte[] blob) throws CryptoException {
            ByteReader reader = new ByteReader(blob);
            try {
                if (!Arrays.equals(reader.bytes(4), MAGIC)) {
                    throw new CryptoException.Malformed("not a Sealpost key blob");
                }
                int version = reader.u8();
                if (version != VERSION) {
                    throw new CryptoException.UnsupportedVersion("key blob version " + version);
                }
                long memory = reader.u32();
                long iterations = reader.u32();
                int parallelism = reader.u8();
                if (memory > Integer.MAX_VALUE || iterations > Integer.MAX_VALUE) {
                    throw new CryptoException.WeakParameters("Argon2id parameters above this library's limits");
                }
                Argon2Parameters parameters = new Argon2Parameters((int) memory, (int) iterations, parallelism);
                parameters.requireAcceptable();
                byte[] salt = reader.bytes(SALT_LENGTH);
                byte[] nonce = reader.bytes(NONCE_LENGTH);
                byte[] header = Arrays.copyOf(blob, HEADER_LENGTH);
                byte[] sealed = reader.lengthPrefixed(MAX_SEALED_LENGTH);
                if (reader.remaining() != 0) {
                    throw new CryptoException.Malformed("trailing bytes after the key blob");
                }
                return new Parsed(parameters, salt, nonce, header, sealed);
            } catch (ByteReader.TruncatedException e) {
                throw new CryptoException.Malformed("truncated key blob");
            } catch (ByteReader.LimitExceededException e) {
                throw new CryptoException.Malformed("key blob too long");
            }
        }
    }

    private static byte[] derive(char[] passphrase, byte[] salt, Argon2Parameters parameters) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
                org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(parameters.memoryKiB())
                .withIterations(parameters.iterations())
                .withParallelism(parameters.parallelism())
                .withSalt(salt)
                .build());
        // encode without creating an immutable String copy of the passphrase
        java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(passphrase));
        byte[] password = new byte[encoded.remaining()];
        encoded.get(password);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        byte[] key = new byte[32];
        try {
            generator.generateBytes(password, key);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
        return key;
    }
}
