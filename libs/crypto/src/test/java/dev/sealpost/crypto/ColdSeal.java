package dev.sealpost.crypto;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/**
 * What a short-lived CLI process does: start, seal one big attachment from a file to a file, exit.
 * Prints the time from JVM start to the end of sealing. Usage: ColdSeal SIZE_MIB SEGMENT_SIZE
 */
public final class ColdSeal {

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 25;
        int segment = args.length > 1 ? Integer.parseInt(args[1]) : EnvelopeFormat.DEFAULT_SEGMENT_SIZE;
        Path input = Files.createTempFile("cold-seal", ".bin");
        Path output = Files.createTempFile("cold-seal", ".spen");
        try {
            byte[] chunk = new byte[1024 * 1024];
            new SecureRandom().nextBytes(chunk);
            try (OutputStream out = Files.newOutputStream(input)) {
                for (int i = 0; i < mib; i++) {
                    out.write(chunk);
                }
            }
            long start = System.nanoTime();
            PrivateKeys sender = PrivateKeys.generate();
            PublicBundle recipient = PrivateKeys.generate().publicBundle();
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16)) {
                TestMail.seal(EnvelopeContent.builder().subject("cold").attachment("file.bin", "application/octet-stream", PartSource.ofFile(input)).build(),
                        List.of(recipient), sender, out, segment);
            }
            long sealMs = (System.nanoTime() - start) / 1_000_000;
            long sinceJvmStart = System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            System.out.printf("cold seal: %d MiB, segment %d B: sealing %d ms (keys included), %d ms since JVM start%n",
                    mib, segment, sealMs, sinceJvmStart);
        } finally {
            Files.deleteIfExists(input);
            Files.deleteIfExists(output);
        }
    }
}
