package dev.sealpost.crypto.internal;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The checks a public key from someone else must pass before anything is computed with it: a key
 * that fails one is refused when it is read, so sealing to it can never fail later, or worse,
 * succeed with a key that leaks nothing about its holder but everything about the message.
 */
public final class PublicKeyChecks {

    /** ML-KEM-768: k = 3 polynomials of 256 coefficients, 12 bits each, then the 32-byte seed rho. */
    public static final int ML_KEM_768_ENCAPSULATION_KEY_LENGTH = 1184;
    private static final int ML_KEM_768_POLYNOMIAL_BYTES = 3 * 384;
    private static final int ML_KEM_Q = 3329;

    /**
     * Any clamped scalar is a multiple of the cofactor 8, so it sends a point of small order to the
     * neutral element, whose u-coordinate is 0; for every other point the result is not 0.
     */
    private static final byte[] PROBE_SCALAR = new byte[X25519.SCALAR_SIZE];

    static {
        java.util.Arrays.fill(PROBE_SCALAR, (byte) 0x5a);
        X25519.clampPrivateKey(PROBE_SCALAR);
    }

    private PublicKeyChecks() {
    }

    /**
     * FIPS 203, section 7.2, "modulus check": every coefficient of the encoded vector t is below q,
     * that is ByteEncode12(ByteDecode12(t)) = t.
     */
    public static boolean mlKem768EncapsulationKeyValid(byte[] key, int offset) {
        if (key.length - offset < ML_KEM_768_ENCAPSULATION_KEY_LENGTH) {
            return false;
        }
        for (int i = offset; i < offset + ML_KEM_768_POLYNOMIAL_BYTES; i += 3) {
            int b0 = key[i] & 0xff;
            int b1 = key[i + 1] & 0xff;
            int b2 = key[i + 2] & 0xff;
            if ((b0 | (b1 & 0x0f) << 8) >= ML_KEM_Q || (b1 >> 4 | b2 << 4) >= ML_KEM_Q) {
                return false;
            }
        }
        return true;
    }

    /** An X25519 public key that is not of small order (RFC 7748, section 6.1: such a key makes the shared secret 0). */
    public static boolean x25519NotOfSmallOrder(byte[] key, int offset) {
        if (key.length - offset < X25519.POINT_SIZE) {
            return false;
        }
        return X25519.calculateAgreement(PROBE_SCALAR, 0, key, offset, new byte[X25519.POINT_SIZE], 0);
    }

    /** An Ed25519 public key that decodes to a point of the prime-order subgroup (neither small nor mixed order). */
    public static boolean ed25519Valid(byte[] key) {
        return key.length == Ed25519.PUBLIC_KEY_SIZE && Ed25519.validatePublicKeyFull(key, 0);
    }
}
