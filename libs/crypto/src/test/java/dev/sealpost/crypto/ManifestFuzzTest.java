package dev.sealpost.crypto;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** The manifest parser on hostile input: a valid manifest or a {@link CryptoException.Malformed}, never another exception. */
class ManifestFuzzTest {

    private static final byte[] VALID = new Manifest(MessageId.random(), Instant.parse("2026-12-07T10:00:00Z"), "alice@example.test",
            List.of("bob@example.test"), List.of("carol@example.test"), List.of(), MessageId.random(), List.of(MessageId.random()), 5, 42,
            List.of(new AttachmentInfo("../../x", "text/plain", 3), new AttachmentInfo("a\u202Etxt.exe", "application/octet-stream", 0)))
            .encode();

    @Provide
    Arbitrary<byte[]> noise() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(600);
    }

    @Property(tries = 1000)
    void randomBytesAreMalformedOrValid(@ForAll("noise") byte[] bytes) {
        parseTyped(bytes);
    }

    @Property(tries = 1000)
    void mutatedManifestsAreMalformedOrValid(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
            @ForAll byte value, @ForAll @IntRange(min = 0, max = 40) int cut) {
        byte[] mutated = VALID.clone();
        mutated[position % mutated.length] = value;
        parseTyped(java.util.Arrays.copyOf(mutated, Math.max(0, mutated.length - cut)));
    }

    @Property(tries = 20)
    void theValidManifestRoundTrips(@ForAll @IntRange(min = 0, max = 300) int padding) throws Exception {
        Manifest parsed = Manifest.parse(java.util.Arrays.copyOf(VALID, VALID.length + padding));
        assertEquals("a\u202Etxt.exe", parsed.attachments().get(1).name());
        assertEquals(42, parsed.bodyLength());
    }

    private static void parseTyped(byte[] bytes) {
        try {
            Manifest.parse(bytes);
        } catch (CryptoException.Malformed expected) {
            // the only failure allowed
        } catch (RuntimeException e) {
            fail("untyped failure " + e);
        }
    }
}
