package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.Padding;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PaddingTest {

    @Test
    void everyLengthUpToOneMebibyteIsPaddedWithinTheStatedBound() {
        double worst = 0;
        for (long length = 0; length <= 1 << 20; length++) {
            long padded = Padding.padded(length);
            assertTrue(padded >= length && Padding.isPadded(padded), "length " + length);
            if (length <= Padding.MINIMUM) {
                assertEquals(Padding.MINIMUM, padded);
            } else {
                worst = Math.max(worst, (padded - length) / (double) length);
            }
        }
        assertTrue(worst <= 1.0 / 16, "worst overhead " + worst);
        assertTrue(worst > 0.06, "the bound is tight, not vacuous: " + worst);
    }

    @Test
    void paddedLengthsAreFew() {
        long distinct = java.util.stream.LongStream.rangeClosed(0, 1 << 20).map(Padding::padded).distinct().count();
        // 1,048,577 lengths collapse into a few hundred visible sizes
        assertTrue(distinct < 1_000, "distinct padded lengths " + distinct);
        assertEquals(4096, Padding.padded(4096));
        assertEquals(4352, Padding.padded(4097));
    }
}
