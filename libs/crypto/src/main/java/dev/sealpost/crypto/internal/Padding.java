package dev.sealpost.crypto.internal;

/**
 * Padded part lengths (format v2): Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted
 * Files and Communication with PURBs", PETS 2019) with a floor of {@value #MINIMUM} bytes. Padmé
 * rounds a length up so that only about log2(log2 L) of its significant bits stay visible; above the floor
 * the overhead is at most 1/16 (6.25 %) below 64 KiB and 1/32 from there to 4 GiB
 * ({@code PaddingTest} checks every length up to 1 MiB). The floor hides short subjects and bodies.
 */
public final class Padding {

    /** Every padded length is at least this; all shorter parts look the same. */
    public static final long MINIMUM = 256;

    private Padding() {
    }

    public static long padded(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length");
        }
        if (length <= MINIMUM) {
            return MINIMUM;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(length);          // floor(log2 L)
        int exponentBits = 32 - Integer.numberOfLeadingZeros(exponent); // floor(log2 E) + 1
        long mask = (1L << (exponent - exponentBits)) - 1;
        return (length + mask) & ~mask;
    }

    /** Whether {@code length} is one of the lengths {@link #padded} produces. */
    public static boolean isPadded(long length) {
        return length >= 0 && padded(length) == length;
    }
}
