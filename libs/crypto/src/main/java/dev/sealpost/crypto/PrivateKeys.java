package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.ByteReader;
import dev.sealpost.crypto.internal.ByteWriter;

/**
 * A user's private keys: identity (signing) and encryption. They exist only on the user's devices,
 * and on the server only wrapped under the user's passphrase ({@link PassphraseWrap}).
 */
public final class PrivateKeys {

    private static final int VERSION = 1;

    private final IdentityKeyPair identity;
    private final EncryptionKeyPair encryption;
    private final PublicBundle publicBundle;

    private PrivateKeys(IdentityKeyPair identity, EncryptionKeyPair encryption) {
        this.identity = identity;
        this.encryption = encryption;
        this.publicBundle = PublicBundle.create(identity, encryption.publicKey());
    }

    public static PrivateKeys generate() {
        return new PrivateKeys(IdentityKeyPair.generate(), EncryptionKeyPair.generate());
    }

    public PublicBundle publicBundle() {
        return publicBundle;
    }

    IdentityKeyPair identity() {
        return identity;
    }

    EncryptionKeyPair encryption() {
        return encryption;
    }

    /** u8 version || Ed25519 seed (32) || ML-DSA-65 seed (32) || X-Wing seed (32). Handle as a secret. */
    byte[] toSecretBytes() {
        return new ByteWriter(97).u8(VERSION)
                .bytes(identity.ed25519Seed()).bytes(identity.mlDsaSeed()).bytes(encryption.seed())
                .toByteArray();
    }

    static PrivateKeys fromSecretBytes(byte[] secret) throws CryptoException {
        ByteReader reader = new ByteReader(secret);
        try {
            int version = reader.u8();
            if (version != VERSION) {
                throw new CryptoException.UnsupportedVersion("private keys version " + version);
            }
            IdentityKeyPair identity = IdentityKeyPair.fromSeeds(reader.bytes(32), reader.bytes(32));
            EncryptionKeyPair encryption = EncryptionKeyPair.fromSeed(reader.bytes(32));
            if (reader.remaining() != 0) {
                throw new CryptoException.Malformed("trailing bytes after the private keys");
            }
            return new PrivateKeys(identity, encryption);
        } catch (ByteReader.TruncatedException e) {
            throw new CryptoException.Malformed("truncated private keys");
        }
    }
}
