package dev.sealpost.crypto;

import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.pqc.crypto.xwing.XWingKEMExtractor;
import org.bouncycastle.pqc.crypto.xwing.XWingKEMGenerator;
import org.bouncycastle.pqc.crypto.xwing.XWingPrivateKeyParameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Seal and open next to the primitives they are made of, in one run, so the overhead of the envelope
 * itself can be read off directly. Run with libs/crypto/benchmark.sh; results in docs/crypto.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class EnvelopeBenchmark {

    private PrivateKeys sender;
    private List<PublicBundle> oneRecipient;
    private List<PublicBundle> tenRecipients;
    private PrivateKeys firstRecipient;
    private EnvelopeContent content4k;
    private byte[] envelope4kOne;
    private byte[] envelope4kTen;
    private byte[] plain4k;
    private byte[] message = new byte[32 * 3];
    private HybridSignature signature;
    private byte[] xwingCiphertext;
    private XWingPrivateKeyParameters xwingPrivate;
    private SecretKeySpec aesKey;
    private int nonceCounter;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sender = PrivateKeys.generate();
        firstRecipient = PrivateKeys.generate();
        oneRecipient = List.of(firstRecipient.publicBundle());
        tenRecipients = new java.util.ArrayList<>(List.of(firstRecipient.publicBundle()));
        for (int i = 1; i < 10; i++) {
            tenRecipients.add(PrivateKeys.generate().publicBundle());
        }
        plain4k = new byte[4096];
        new SecureRandom().nextBytes(plain4k);
        content4k = EnvelopeContent.builder().subject("benchmark").body(plain4k).build();
        envelope4kOne = TestMail.seal(content4k, oneRecipient, sender);
        envelope4kTen = TestMail.seal(content4k, tenRecipients, sender);
        signature = sender.identity().sign(SignaturePurpose.ENVELOPE, message);
        xwingPrivate = (XWingPrivateKeyParameters) firstRecipient.encryption().hpkeKeyPair().getPrivate();
        xwingCiphertext = new XWingKEMGenerator(new SecureRandom())
                .generateEncapsulated(firstRecipient.publicBundle().encryptionKey().parameters()).getEncapsulation();
        aesKey = new SecretKeySpec(new byte[32], "AES");
    }

    @Benchmark
    public byte[] seal4KiB1Recipient() {
        return TestMail.seal(content4k, oneRecipient, sender);
    }

    @Benchmark
    public byte[] seal4KiB10Recipients() {
        return TestMail.seal(content4k, tenRecipients, sender);
    }

    @Benchmark
    public OpenedEnvelope open4KiB1Recipient() throws CryptoException {
        return TestMail.open(envelope4kOne, firstRecipient, sender.publicBundle());
    }

    @Benchmark
    public OpenedEnvelope open4KiB10Recipients() throws CryptoException {
        return TestMail.open(envelope4kTen, firstRecipient, sender.publicBundle());
    }

    // ---- primitives, same run ----

    @Benchmark
    public SecretWithEncapsulation xwingEncapsulate() {
        return new XWingKEMGenerator(new SecureRandom()).generateEncapsulated(firstRecipient.publicBundle().encryptionKey().parameters());
    }

    @Benchmark
    public byte[] xwingDecapsulate() {
        return new XWingKEMExtractor(xwingPrivate).extractSecret(xwingCiphertext);
    }

    @Benchmark
    public HybridSignature hybridSign() {
        return sender.identity().sign(SignaturePurpose.ENVELOPE, message);
    }

    @Benchmark
    public boolean hybridVerify() {
        return sender.publicBundle().identityKey().verify(SignaturePurpose.ENVELOPE, message, signature);
    }

    @Benchmark
    public byte[] aes256Gcm4KiB() throws Exception {
        return gcm(plain4k, 0, plain4k.length);
    }

    byte[] gcm(byte[] data, int offset, int length) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] nonce = new byte[12];
        int n = nonceCounter++;
        nonce[8] = (byte) (n >>> 24);
        nonce[9] = (byte) (n >>> 16);
        nonce[10] = (byte) (n >>> 8);
        nonce[11] = (byte) n;
        cipher.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce));
        return cipher.doFinal(data, offset, length);
    }

    /** 25 MiB attachment: the envelope (streaming, segments, per-part SHA-256) against plain AES-256-GCM. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 3)
    @Measurement(iterations = 4, time = 3)
    @Fork(1)
    public static class LargeAttachment {
        static final int SIZE = 25 * 1024 * 1024;
        private PrivateKeys sender;
        private List<PublicBundle> recipient;
        private EnvelopeContent content;
        private byte[] data;
        private final EnvelopeBenchmark primitives = new EnvelopeBenchmark();

        @org.openjdk.jmh.annotations.Param({"16384", "65536", "262144", "1048576"})
        public int segmentSize;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            sender = PrivateKeys.generate();
            recipient = List.of(PrivateKeys.generate().publicBundle());
            data = new byte[SIZE];
            new SecureRandom().nextBytes(data);
            content = EnvelopeContent.builder().subject("big").attachment("file.bin", "application/octet-stream", data).build();
            primitives.aesKey = new SecretKeySpec(new byte[32], "AES");
        }

        @Benchmark
        public void seal25MiB() throws IOException {
            TestMail.seal(content, recipient, sender, OutputStream.nullOutputStream(), segmentSize);
        }

        /** Plain JDK AES-256-GCM over the same 25 MiB in calls of the same size: the reference rate. */
        @Benchmark
        public int plainAes256Gcm25MiB() throws Exception {
            int total = 0;
            for (int offset = 0; offset < SIZE; offset += segmentSize) {
                total += primitives.gcm(data, offset, Math.min(segmentSize, SIZE - offset)).length;
            }
            return total;
        }
    }
}
