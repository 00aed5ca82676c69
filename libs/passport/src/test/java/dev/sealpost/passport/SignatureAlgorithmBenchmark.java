package dev.sealpost.passport;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Which algorithm signs passports: sign and verify rates of the candidates on a passport-sized
 * payload, and our whole passport sign / verify (jose4j + Bouncy Castle EdDSA) next to them.
 * Run with libs/passport/benchmark.sh; results in docs/key-service.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class SignatureAlgorithmBenchmark {

    private final byte[] payload = ("{\"iss\":\"http://localhost:8081/api/keys/tenants/consumer\",\"sub\":\"u_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG\","
            + "\"aud\":\"mail-service\",\"iat\":1764100000,\"nbf\":1764100000,\"exp\":1764100300,\"jti\":\"5f0c2f4e-6b1d-4a53-9d6e-1b2c3d4e5f60\","
            + "\"tenant\":\"consumer\",\"roles\":[\"user\"],\"acr\":\"2fa\",\"address\":\"alice@sealpost.test\"}")
            .getBytes(StandardCharsets.UTF_8);

    private KeyPair ed25519Bc;
    private KeyPair ed25519Jdk;
    private KeyPair p256;
    private KeyPair rsa2048;
    private byte[] ed25519BcSignature;
    private byte[] ed25519JdkSignature;
    private byte[] es256Signature;
    private byte[] rs256Signature;
    private PassportSigner.Claims claims;
    private PassportVerifier verifier;
    private String[] tokens;
    private int next;

    @Setup
    public void setUp() throws Exception {
        ed25519Bc = KeyPairGenerator.getInstance("Ed25519", Ed25519Keys.provider()).generateKeyPair();
        ed25519Jdk = KeyPairGenerator.getInstance("Ed25519", "SunEC").generateKeyPair();
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC", "SunEC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        p256 = ec.generateKeyPair();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        rsa2048 = rsa.generateKeyPair();
        ed25519BcSignature = sign("Ed25519", Ed25519Keys.provider().getName(), ed25519Bc);
        ed25519JdkSignature = sign("Ed25519", "SunEC", ed25519Jdk);
        es256Signature = sign("SHA256withECDSAinP1363Format", "SunEC", p256);
        rs256Signature = sign("SHA256withRSA", null, rsa2048);

        TenantTrust consumer = new TenantTrust("consumer", "https://keys.example/api/keys/tenants/consumer", URI.create("https://keys.example/jwks"));
        String jwks = "{\"keys\":[" + Ed25519Keys.publicJwkJson("k1", Ed25519Keys.rawPublicKey(ed25519Bc.getPublic())) + "]}";
        verifier = new PassportVerifier("mail-service", List.of(consumer), url -> jwks, Clock.systemUTC(), Duration.ofSeconds(30));
        claims = new PassportSigner.Claims(consumer.issuer(), "consumer", "u_bench", "mail-service", Set.of("user"), "2fa",
                "alice@sealpost.test", Instant.now(), Duration.ofMinutes(5));
        tokens = new String[1024];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = PassportSigner.sign(claims, "k1", ed25519Bc.getPrivate(), "jti-" + i);
        }
    }

    private byte[] sign(String algorithm, String provider, KeyPair pair) throws Exception {
        Signature signature = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
        signature.initSign(pair.getPrivate());
        signature.update(payload);
        return signature.sign();
    }

    private boolean verify(String algorithm, String provider, KeyPair pair, byte[] signed) throws Exception {
        Signature signature = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
        signature.initVerify(pair.getPublic());
        signature.update(payload);
        return signature.verify(signed);
    }

    @Benchmark
    public byte[] ed25519BouncyCastleSign() throws Exception {
        return sign("Ed25519", Ed25519Keys.provider().getName(), ed25519Bc);
    }

    @Benchmark
    public boolean ed25519BouncyCastleVerify() throws Exception {
        return verify("Ed25519", Ed25519Keys.provider().getName(), ed25519Bc, ed25519BcSignature);
    }

    @Benchmark
    public byte[] ed25519JdkSign() throws Exception {
        return sign("Ed25519", "SunEC", ed25519Jdk);
    }

    @Benchmark
    public boolean ed25519JdkVerify() throws Exception {
        return verify("Ed25519", "SunEC", ed25519Jdk, ed25519JdkSignature);
    }

    @Benchmark
    public byte[] es256Sign() throws Exception {
        return sign("SHA256withECDSAinP1363Format", "SunEC", p256);
    }

    @Benchmark
    public boolean es256Verify() throws Exception {
        return verify("SHA256withECDSAinP1363Format", "SunEC", p256, es256Signature);
    }

    @Benchmark
    public byte[] rs256Sign() throws Exception {
        return sign("SHA256withRSA", null, rsa2048);
    }

    @Benchmark
    public boolean rs256Verify() throws Exception {
        return verify("SHA256withRSA", null, rsa2048, rs256Signature);
    }

    /** A whole passport: claims to compact JWS with jose4j and Bouncy Castle's EdDSA. */
    @Benchmark
    public String passportSign() {
        return PassportSigner.sign(claims, "k1", ed25519Bc.getPrivate(), "jti");
    }

    /** Every verifier check on a fresh token (no cache): parse, headers, issuer, key, signature, claims. */
    @Benchmark
    public Passport passportVerifyUncached() throws PassportException {
        next = (next + 1) & (tokens.length - 1);
        return verifier.verifyUncached(tokens[next]);
    }
}
