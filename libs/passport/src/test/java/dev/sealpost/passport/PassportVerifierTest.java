package dev.sealpost.passport;

import com.sun.net.httpserver.HttpServer;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Storm-0558 suite at the verifier: every forged, confused or stale passport is refused with the
 * right reason, and no header can make the verifier fetch from anywhere but the configured JWKS URL.
 */
class PassportVerifierTest {

    private static final String AUDIENCE = "mail-service";

    private HttpServer server;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, String> jwksByTenant = new ConcurrentHashMap<>();
    private TenantTrust consumer;
    private TenantTrust acme;
    private KeyPair consumerKey;
    private KeyPair acmeKey;
    private PassportVerifier verifier;

    @BeforeEach
    void startJwksServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            String tenant = path.replaceAll("^/tenants/([a-z]+)/jwks$", "$1");
            String body = jwksByTenant.get(tenant);
            byte[] bytes = (body == null ? "{}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        consumer = trust("consumer");
        acme = trust("acme");
        consumerKey = generate();
        acmeKey = generate();
        jwksByTenant.put("consumer", jwks(Map.of("consumer-k1", consumerKey)));
        jwksByTenant.put("acme", jwks(Map.of("acme-k1", acmeKey)));
        verifier = new PassportVerifier(AUDIENCE, List.of(consumer, acme), JwksSource.http(), Clock.systemUTC(), Duration.ofSeconds(30));
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private TenantTrust trust(String tenant) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return new TenantTrust(tenant, base + "/issuers/" + tenant, URI.create(base + "/tenants/" + tenant + "/jwks"));
    }

    private static KeyPair generate() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519", Ed25519Keys.provider()).generateKeyPair();
    }

    private static String jwks(Map<String, KeyPair> keys) {
        StringBuilder json = new StringBuilder("{\"keys\":[");
        keys.forEach((kid, pair) -> json.append(json.length() > 9 ? "," : "")
                .append(Ed25519Keys.publicJwkJson(kid, Ed25519Keys.rawPublicKey(pair.getPublic()))));
        return json.append("]}").toString();
    }

    private PassportSigner.Claims claims(TenantTrust issuerTenant, String tenantClaim, String audience, Instant issuedAt, Duration lifetime) {
        return new PassportSigner.Claims(issuerTenant.issuer(), tenantClaim, "user-1", audience, Set.of("user"), "2fa", "user-1@sealpost.test", issuedAt, lifetime);
    }

    private String valid() {
        return PassportSigner.sign(claims(consumer, "consumer", AUDIENCE, Instant.now(), Duration.ofMinutes(5)), "consumer-k1",
                consumerKey.getPrivate(), "jti-1");
    }

    private void assertRefused(PassportException.Reason reason, String token) {
        PassportException e = assertThrows(PassportException.class, () -> verifier.verify(token));
        assertEquals(reason, e.reason());
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String payloadOf(String token) {
        return token.split("\\.")[1];
    }

    @Test
    void aValidPassportVerifies() throws Exception {
        Passport passport = verifier.verify(valid());
        assertEquals("consumer", passport.tenant());
        assertEquals("user-1", passport.subject());
        assertEquals(Set.of("user"), passport.roles());
        assertEquals("2fa", passport.acr());
        assertEquals("user-1@sealpost.test", passport.address());
        assertEquals("consumer-k1", passport.keyId());
    }

    @Test
    void tenantAsKeyWithTenantBsIssuerIsRefused() {
        // signed by consumer's key, claiming acme's issuer and tenant: acme's JWKS does not hold the kid
        String token = PassportSigner.sign(claims(acme, "acme", AUDIENCE, Instant.now(), Duration.ofMinutes(5)), "consumer-k1",
                consumerKey.getPrivate(), "jti");
        assertRefused(PassportException.Reason.UNKNOWN_KEY, token);
        // and with acme's kid but consumer's private key: the signature fails
        String sameKid = PassportSigner.sign(claims(acme, "acme", AUDIENCE, Instant.now(), Duration.ofMinutes(5)), "acme-k1",
                consumerKey.getPrivate(), "jti");
        assertRefused(PassportException.Reason.BAD_SIGNATURE, sameKid);
    }

    @Test
    void aTenantClaimThatDisagreesWithTheIssuerIsRefused() {
        String token = PassportSigner.sign(claims(consumer, "acme", AUDIENCE, Instant.now(), Duration.ofMinutes(5)), "consumer-k1",
                consumerKey.getPrivate(), "jti");
        assertRefused(PassportException.Reason.WRONG_TENANT, token);
    }

    @Test
    void algNoneIsRefused() {
        String token = b64("{\"alg\":\"none\",\"kid\":\"consumer-k1\",\"typ\":\"passport+jwt\"}") + "." + payloadOf(valid()) + ".";
        assertRefused(PassportException.Reason.ALGORITHM_NOT_ALLOWED, token);
    }

    @Test
    void aStrippedSignatureIsRefused() {
        String token = valid();
        assertRefused(PassportException.Reason.BAD_SIGNATURE, token.substring(0, token.lastIndexOf('.') + 1));
    }

    @Test
    void hs256KeyedWithOurPublicKeyIsRefused() throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(new String(Base64.getUrlDecoder().decode(payloadOf(valid())), StandardCharsets.UTF_8));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue("consumer-k1");
        jws.setHeader("typ", PassportClaims.TYPE);
        jws.setKey(new HmacKey(Ed25519Keys.rawPublicKey(consumerKey.getPublic())));
        assertRefused(PassportException.Reason.ALGORITHM_NOT_ALLOWED, jws.getCompactSerialization());
    }

    @Test
    void anEmbeddedJwkIsRefused() throws Exception {
        KeyPair attacker = generate();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setProviderContext(Ed25519Keys.providerContext());
        jws.setPayload(new String(Base64.getUrlDecoder().decode(payloadOf(valid())), StandardCharsets.UTF_8));
        jws.setAlgorithmHeaderValue(PassportClaims.ALGORITHM);
        jws.setKeyIdHeaderValue("consumer-k1");
        jws.setJwkHeader(PublicJsonWebKey.Factory.newPublicJwk(attacker.getPublic()));
        jws.setKey(attacker.getPrivate());
        assertRefused(PassportException.Reason.FORBIDDEN_HEADER, jws.getCompactSerialization());
    }

    @Test
    void jkuAndX5uAreNeverFetched() throws Exception {
        for (String header : List.of("jku", "x5u")) {
            KeyPair attacker = generate();
            String attackerUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/attacker/" + header;
            JsonWebSignature jws = new JsonWebSignature();
            jws.setProviderContext(Ed25519Keys.providerContext());
            jws.setPayload(new String(Base64.getUrlDecoder().decode(payloadOf(valid())), StandardCharsets.UTF_8));
            jws.setAlgorithmHeaderValue(PassportClaims.ALGORITHM);
            jws.setKeyIdHeaderValue("attacker");
            jws.setHeader(header, attackerUrl);
            jws.setKey(attacker.getPrivate());
            assertRefused(PassportException.Reason.FORBIDDEN_HEADER, jws.getCompactSerialization());
            assertEquals(null, requests.get("/attacker/" + header), "the " + header + " URL must get zero requests");
        }
    }

    @Test
    void kidPathTraversalAndHugeKidsAreRefused() {
        String payload = payloadOf(valid());
        String traversal = b64("{\"alg\":\"EdDSA\",\"kid\":\"../../../etc/passwd\",\"typ\":\"passport+jwt\"}") + "." + payload + ".AAAA";
        assertRefused(PassportException.Reason.MALFORMED, traversal);
        String hugeKid = b64("{\"alg\":\"EdDSA\",\"kid\":\"" + "k".repeat(10_000) + "\",\"typ\":\"passport+jwt\"}") + "." + payload + ".AAAA";
        assertRefused(PassportException.Reason.TOO_LARGE, hugeKid);
        String longKid = b64("{\"alg\":\"EdDSA\",\"kid\":\"" + "k".repeat(65) + "\",\"typ\":\"passport+jwt\"}") + "." + payload + ".AAAA";
        assertRefused(PassportException.Reason.MALFORMED, longKid);
        assertEquals(0, verifier.jwksFetches());
    }

    @Test
    void aThousandUnknownKidsCauseAtMostOneFetch() throws Exception {
        verifier.verify(valid());
        long before = verifier.jwksFetches();
        for (int i = 0; i < 1000; i++) {
            String token = PassportSigner.sign(claims(consumer, "consumer", AUDIENCE, Instant.now(), Duration.ofMinutes(5)),
                    "unknown-" + i, consumerKey.getPrivate(), "jti");
            assertRefused(PassportException.Reason.UNKNOWN_KEY, token);
        }
        // the JWKS was fetched for the valid passport just before: within the refresh interval (30 s)
        // no unknown kid may trigger another fetch
        assertEquals(0, verifier.jwksFetches() - before);
        assertEquals(1, requests.get("/tenants/consumer/jwks").get());
    }

    @Test
    void aNewKeyIsPickedUpByARefreshAfterTheInterval() throws Exception {
        KeyPair next = generate();
        Instant[] now = {Instant.now()};
        Clock clock = settableClock(now);
        PassportVerifier timed = new PassportVerifier(AUDIENCE, List.of(consumer), JwksSource.http(), clock, Duration.ofSeconds(30));
        timed.verify(valid());
        jwksByTenant.put("consumer", jwks(Map.of("consumer-k1", consumerKey, "consumer-k2", next)));
        String withNext = PassportSigner.sign(claims(consumer, "consumer", AUDIENCE, Instant.now(), Duration.ofMinutes(5)),
                "consumer-k2", next.getPrivate(), "jti");
        // within the interval: still unknown (bounded fetching); after it: found
        now[0] = now[0].plusSeconds(5);
        assertThrows(PassportException.class, () -> timed.verify(withNext));
        now[0] = now[0].plusSeconds(31);
        assertEquals("consumer-k2", timed.verify(withNext).keyId());
    }

    @Test
    void aKeyThatLeftTheJwksIsRefusedWithinTheMaxKeyAgeEvenForCachedPassports() throws Exception {
        Instant[] now = {Instant.now()};
        Clock clock = settableClock(now);
        PassportVerifier timed = new PassportVerifier(AUDIENCE, List.of(consumer), JwksSource.http(), clock, Duration.ofSeconds(30),
                Duration.ofSeconds(60));
        String token = valid();
        timed.verify(token);
        // key-service revokes consumer-k1: it leaves the JWKS
        KeyPair next = generate();
        jwksByTenant.put("consumer", jwks(Map.of("consumer-k2", next)));
        now[0] = now[0].plusSeconds(30);
        assertEquals("consumer-k1", timed.verify(token).keyId(), "within the max key age the fetched keys stand");
        now[0] = now[0].plusSeconds(31);
        PassportException cachedRefused = assertThrows(PassportException.class, () -> timed.verify(token));
        assertEquals(PassportException.Reason.UNKNOWN_KEY, cachedRefused.reason());
        // and a passport forged with the stolen key is refused as well
        String forged = PassportSigner.sign(claims(consumer, "consumer", AUDIENCE, now[0], Duration.ofMinutes(5)), "consumer-k1",
                consumerKey.getPrivate(), "forged");
        assertEquals(PassportException.Reason.UNKNOWN_KEY, assertThrows(PassportException.class, () -> timed.verify(forged)).reason());
        assertThrows(IllegalArgumentException.class, () -> new PassportVerifier(AUDIENCE, List.of(consumer), JwksSource.http(), clock,
                Duration.ofSeconds(30), Duration.ofSeconds(10)));
    }

    @Test
    void aCachedPassportStillExpires() throws Exception {
        Instant[] now = {Instant.now()};
        Clock clock = settableClock(now);
        PassportVerifier timed = new PassportVerifier(AUDIENCE, List.of(consumer), JwksSource.http(), clock, Duration.ofSeconds(30));
        String token = valid();
        timed.verify(token);
        timed.verify(token); // from the cache
        now[0] = now[0].plusSeconds(300 + 61);
        PassportException e = assertThrows(PassportException.class, () -> timed.verify(token));
        assertEquals(PassportException.Reason.EXPIRED, e.reason());
    }

    @Test
    void expiredBeyondTheSkewIsRefusedWithinItAccepted() throws Exception {
        Instant issued = Instant.now().minusSeconds(300 + 61);
        String expired = PassportSigner.sign(claims(consumer, "consumer", AUDIENCE, issued, Duration.ofMinutes(5)), "consumer-k1",
                consumerKey.getPrivate(), "jti");
        assertRefused(PassportException.Reason.EXPIRED, expired);
        String withinSkew = PassportSigner.sign(claims(consumer, "consumer", AUDIENCE, Instant.now().minusSeconds(300 + 30),
                Duration.ofMinutes(5)), "consumer-k1", consumerKey.getPrivate(), "jti");
        verifier.verify(withinSkew);
        String future = PassportSigner.sign(claims(consumer, "consumer", AUDIENCE, Instant.now().plusSeconds(120), Duration.ofMinutes(5)),
                "consumer-k1", consumerKey.getPrivate(), "jti");
        assertRefused(PassportException.Reason.NOT_YET_VALID, future);
    }

    @Test
    void aLifetimeOverFiveMinutesIsRefused() {
        String payload = "{\"iss\":\"" + consumer.issuer() + "\",\"sub\":\"user-1\",\"aud\":\"" + AUDIENCE + "\",\"tenant\":\"consumer\","
                + "\"iat\":" + Instant.now().getEpochSecond() + ",\"exp\":" + (Instant.now().getEpochSecond() + 3600) + "}";
        assertRefused(PassportException.Reason.LIFETIME_TOO_LONG, signRaw(payload, "consumer-k1", consumerKey));
    }

    @Test
    void theWrongAudienceIsRefused() {
        String token = PassportSigner.sign(claims(consumer, "consumer", "audit-service", Instant.now(), Duration.ofMinutes(5)),
                "consumer-k1", consumerKey.getPrivate(), "jti");
        assertRefused(PassportException.Reason.WRONG_AUDIENCE, token);
    }

    @Test
    void es256WithRAndSZeroIsRefused() {
        String token = b64("{\"alg\":\"ES256\",\"kid\":\"consumer-k1\",\"typ\":\"passport+jwt\"}") + "." + payloadOf(valid()) + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
        assertRefused(PassportException.Reason.ALGORITHM_NOT_ALLOWED, token);
    }

    @Test
    void anUnknownIssuerIsRefusedWithoutAnyFetch() {
        TenantTrust stranger = new TenantTrust("stranger", "https://evil.example/issuer", URI.create("https://evil.example/jwks"));
        String token = PassportSigner.sign(claims(stranger, "stranger", AUDIENCE, Instant.now(), Duration.ofMinutes(5)), "consumer-k1",
                consumerKey.getPrivate(), "jti");
        assertRefused(PassportException.Reason.UNKNOWN_ISSUER, token);
        assertEquals(0, verifier.jwksFetches());
    }

    @Test
    void aTokenWithoutThePassportTypeIsRefused() {
        String payload = new String(Base64.getUrlDecoder().decode(payloadOf(valid())), StandardCharsets.UTF_8);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setProviderContext(Ed25519Keys.providerContext());
        jws.setPayload(payload);
        jws.setAlgorithmHeaderValue(PassportClaims.ALGORITHM);
        jws.setKeyIdHeaderValue("consumer-k1");
        jws.setHeader("typ", "JWT");
        jws.setKey(consumerKey.getPrivate());
        assertRefused(PassportException.Reason.MALFORMED, assertDoesNotThrowSerialize(jws));
    }

    @Test
    void withoutFetchingOnlyFreshlyKeyedCachedPassportsAreAnswered() throws Exception {
        Instant[] now = {Instant.now()};
        PassportVerifier timed = new PassportVerifier(AUDIENCE, List.of(consumer), JwksSource.http(), settableClock(now),
                Duration.ofSeconds(30), Duration.ofSeconds(60));
        String token = valid();
        assertTrue(timed.verifyWithoutFetching(token).isEmpty(), "never verified: the caller must take the blocking path");
        assertTrue(timed.verifyWithoutFetching(null).isEmpty());
        timed.verify(token);
        long fetches = timed.jwksFetches();
        assertEquals("consumer-k1", timed.verifyWithoutFetching(token).orElseThrow().keyId());
        now[0] = now[0].plusSeconds(61);
        assertTrue(timed.verifyWithoutFetching(token).isEmpty(), "keys older than the max key age need a fetch first");
        assertEquals(fetches, timed.jwksFetches(), "the non-blocking path never fetches");
        timed.verify(token);
        assertTrue(timed.verifyWithoutFetching(token).isPresent());
        timed.revoke("consumer-k1");
        assertTrue(timed.verifyWithoutFetching(token).isEmpty(), "a revoked key's passports leave the cache");
        assertEquals(PassportException.Reason.UNKNOWN_KEY, assertThrows(PassportException.class, () -> timed.verify(token)).reason());
        String another = PassportSigner.sign(claims(consumer, "consumer", AUDIENCE, now[0], Duration.ofMinutes(5)), "consumer-k1",
                consumerKey.getPrivate(), "jti-2");
        assertThrows(PassportException.class, () -> timed.verify(another));
        now[0] = now[0].plusSeconds(300 + 61);
        assertTrue(timed.verifyWithoutFetching(token).isEmpty(), "an expired passport is left to the full check, which refuses it");
    }

    @Test
    void aRevokedKeyIsRefusedAtOnce() throws Exception {
        String token = valid();
        verifier.verify(token);
        verifier.revoke("consumer-k1");
        assertRefused(PassportException.Reason.UNKNOWN_KEY, token);
    }

    /** A clock that reads {@code now[0]}, so a test can move time. */
    private static Clock settableClock(Instant[] now) {
        return new Clock() {
            public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId zone) { return this; }
            public Instant instant() { return now[0]; }
        };
    }

    private static String signRaw(String payload, String kid, KeyPair key) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setProviderContext(Ed25519Keys.providerContext());
        jws.setPayload(payload);
        jws.setAlgorithmHeaderValue(PassportClaims.ALGORITHM);
        jws.setKeyIdHeaderValue(kid);
        jws.setHeader("typ", PassportClaims.TYPE);
        jws.setKey(key.getPrivate());
        return assertDoesNotThrowSerialize(jws);
    }

    private static String assertDoesNotThrowSerialize(JsonWebSignature jws) {
        try {
            jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
