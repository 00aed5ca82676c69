package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.ByteWriter;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 29, point 2: a self-signed bundle whose ML-KEM key failed the FIPS 203 modulus check was
 * accepted, and sealing to it threw an unchecked exception. Every key that cannot be used safely is
 * refused when the bundle is read, with a typed failure.
 */
class StrictPublicKeysTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int SIGNATURE_PART = 4 + HybridSignature.ENCODED_LENGTH;
    /** Where the X-Wing key starts in a bundle's keys: it is their last 1,216 bytes. */
    private static final int X_WING_FROM_END = EncryptionPublicKey.LENGTH;

    private static final IdentityKeyPair IDENTITY = IdentityKeyPair.generate();
    private static final byte[] KEYS = keysOf(PublicBundle.create(IDENTITY, EncryptionKeyPair.generate().publicKey()));

    private static byte[] keysOf(PublicBundle bundle) {
        byte[] encoded = bundle.toBytes();
        return java.util.Arrays.copyOf(encoded, encoded.length - SIGNATURE_PART);
    }

    /** The keys, signed by their own identity key: only the key checks can refuse it. */
    private static byte[] selfSigned(byte[] keys) {
        return new ByteWriter(keys.length + SIGNATURE_PART).bytes(keys)
                .lengthPrefixed(IDENTITY.sign(SignaturePurpose.PUBLIC_BUNDLE, keys).toBytes()).toByteArray();
    }

    private static byte[] withXWingBytes(int offsetInKey, byte[] replacement) {
        byte[] keys = KEYS.clone();
        System.arraycopy(replacement, 0, keys, keys.length - X_WING_FROM_END + offsetInKey, replacement.length);
        return keys;
    }

    @Test
    void aWellFormedSelfSignedBundleIsAccepted() throws CryptoException {
        assertEquals(KEYS.length, keysOf(PublicBundle.fromBytes(selfSigned(KEYS))).length);
    }

    @Test
    void anMlKemKeyWithACoefficientOfQOrMoreIsRefusedThoughSelfSigned() {
        // coefficients 0 and 1 of the first polynomial are 12 bits each in 3 bytes: 0xd01 = 3329 = q
        for (byte[] coefficients : List.of(new byte[] {0x01, 0x0d, 0x00}, new byte[] {(byte) 0xff, 0x0f, 0x00},
                new byte[] {0x00, (byte) 0xf0, (byte) 0xff})) {
            CryptoException.Malformed refused = assertThrows(CryptoException.Malformed.class,
                    () -> PublicBundle.fromBytes(selfSigned(withXWingBytes(0, coefficients))));
            assertEquals("the ML-KEM-768 key fails the FIPS 203 modulus check", refused.getMessage());
        }
        // the last coefficient of the last polynomial, just before rho
        assertThrows(CryptoException.Malformed.class,
                () -> PublicBundle.fromBytes(selfSigned(withXWingBytes(3 * 384 - 3, new byte[] {0x00, (byte) 0x10, (byte) 0xd0}))));
    }

    @Test
    void x25519KeysOfSmallOrderAreRefused() {
        // RFC 7748 / libsodium's list: 0, 1, the two points of order 8, p - 1, p, p + 1
        for (String smallOrder : List.of("0000000000000000000000000000000000000000000000000000000000000000",
                "0100000000000000000000000000000000000000000000000000000000000000",
                "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
                "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")) {
            CryptoException.Malformed refused = assertThrows(CryptoException.Malformed.class,
                    () -> PublicBundle.fromBytes(selfSigned(withXWingBytes(EncryptionPublicKey.LENGTH - 32, HEX.parseHex(smallOrder)))),
                    smallOrder);
            assertEquals("the X25519 key is of small order", refused.getMessage());
        }
    }

    @Test
    void ed25519KeysOfSmallOrderAreRefusedBeforeAnySignatureIsChecked() {
        // the identity element and the point of order 2: every signature "verifies" under the first
        for (String smallOrder : List.of("0100000000000000000000000000000000000000000000000000000000000000",
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")) {
            byte[] keys = KEYS.clone();
            // bundle keys: u8 version, u16 suite, u16 32, then the Ed25519 key
            System.arraycopy(HEX.parseHex(smallOrder), 0, keys, 5, 32);
            assertThrows(CryptoException.Malformed.class, () -> PublicBundle.fromBytes(selfSigned(keys)), smallOrder);
        }
    }

    @Test
    void everyMutationOfABundleIsATypedFailureOrTheSameBundle() {
        byte[] bundle = selfSigned(KEYS);
        Random random = new Random(29);
        for (int round = 0; round < 3_000; round++) {
            byte[] mutated = bundle.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                PublicBundle.fromBytes(mutated);
            } catch (CryptoException expected) {
                // typed: anything else (IllegalArgumentException, ArrayIndexOutOfBounds) fails the test
            }
        }
    }
}
