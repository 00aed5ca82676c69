package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.ByteReader;
import dev.sealpost.crypto.internal.ByteWriter;
import dev.sealpost.crypto.internal.Digests;

/**
 * What a user publishes in the key directory: their identity public key and encryption public key,
 * signed by the identity key itself. Its {@link #fingerprint()} is the SHA-256 of the canonical key
 * encoding (signature excluded: ML-DSA signatures are randomised, the fingerprint must not be).
 *
 * <pre>
 * bundle   = keys || u32 sig_len || hybrid signature
 * keys     = u8 version (1) || u16 0x0001 (Ed25519+ML-DSA-65) || identity key || u16 0x647a (X-Wing) || u16 1216 || X-Wing key
 * </pre>
 */
public final class PublicBundle {

    static final int VERSION = 1;
    static final int IDENTITY_SUITE = 0x0001;
    static final int KEM_X_WING = 0x647a;
    static final int MAX_ENCODED_LENGTH = 16 * 1024;

    private final IdentityPublicKey identityKey;
    private final EncryptionPublicKey encryptionKey;
    private final HybridSignature selfSignature;
    private final byte[] canonicalKeys;
    private final Fingerprint fingerprint;

    private PublicBundle(IdentityPublicKey identityKey, EncryptionPublicKey encryptionKey, HybridSignature selfSignature) {
        this.identityKey = identityKey;
        this.encryptionKey = encryptionKey;
        this.selfSignature = selfSignature;
        this.canonicalKeys = canonicalKeys(identityKey, encryptionKey);
        this.fingerprint = Fingerprint.of(Digests.sha256(canonicalKeys));
    }

    static PublicBundle create(IdentityKeyPair identity, EncryptionPublicKey encryptionKey) {
        byte[] keys = canonicalKeys(identity.publicKey(), encryptionKey);
        return new PublicBundle(identity.publicKey(), encryptionKey, identity.sign(SignaturePurpose.PUBLIC_BUNDLE, keys));
    }

    private static byte[] canonicalKeys(IdentityPublicKey identityKey, EncryptionPublicKey encryptionKey) {
        ByteWriter writer = new ByteWriter(4096).u8(VERSION).u16(IDENTITY_SUITE);
        identityKey.writeTo(writer);
        byte[] kem = encryptionKey.toBytes();
        return writer.u16(KEM_X_WING).u16(kem.length).bytes(kem).toByteArray();
    }

    /** Parses a bundle and verifies its self-signature; anything else is refused. */
    public static PublicBundle fromBytes(byte[] encoded) throws CryptoException {
        if (encoded.length > MAX_ENCODED_LENGTH) {
            throw new CryptoException.Malformed("public bundle too long");
        }
        ByteReader reader = new ByteReader(encoded);
        try {
            int version = reader.u8();
            if (version != VERSION) {
                throw new CryptoException.UnsupportedVersion("public bundle version " + version);
            }
            if (reader.u16() != IDENTITY_SUITE) {
                throw new CryptoException.UnsupportedVersion("identity algorithm");
            }
            IdentityPublicKey identity = IdentityPublicKey.read(reader);
            if (reader.u16() != KEM_X_WING) {
                throw new CryptoException.UnsupportedVersion("KEM algorithm");
            }
            if (reader.u16() != EncryptionPublicKey.LENGTH) {
                throw new CryptoException.Malformed("X-Wing public key length");
            }
            EncryptionPublicKey encryption = EncryptionPublicKey.fromBytes(reader.bytes(EncryptionPublicKey.LENGTH));
            HybridSignature signature = HybridSignature.fromBytes(reader.lengthPrefixed(HybridSignature.ENCODED_LENGTH));
            if (reader.remaining() != 0) {
                throw new CryptoException.Malformed("trailing bytes after the public bundle");
            }
            PublicBundle bundle = new PublicBundle(identity, encryption, signature);
            if (!identity.verify(SignaturePurpose.PUBLIC_BUNDLE, bundle.canonicalKeys, signature)) {
                throw new CryptoException.BadSignature("public bundle is not signed by its own identity key");
            }
            return bundle;
        } catch (ByteReader.TruncatedException e) {
            throw new CryptoException.Malformed("truncated public bundle");
        } catch (ByteReader.LimitExceededException e) {
            throw new CryptoException.Malformed("public bundle signature too long");
        }
    }

    public byte[] toBytes() {
        return new ByteWriter(canonicalKeys.length + HybridSignature.ENCODED_LENGTH + 4)
                .bytes(canonicalKeys).lengthPrefixed(selfSignature.toBytes()).toByteArray();
    }

    public Fingerprint fingerprint() {
        return fingerprint;
    }

    IdentityPublicKey identityKey() {
        return identityKey;
    }

    EncryptionPublicKey encryptionKey() {
        return encryptionKey;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PublicBundle that && fingerprint.equals(that.fingerprint);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return "PublicBundle[" + fingerprint + "]";
    }
}
