package dev.sealpost.testing;

import com.sun.net.httpserver.HttpServer;
import dev.sealpost.crypto.KeyPurpose;
import dev.sealpost.passport.Ed25519Keys;
import dev.sealpost.passport.PassportSigner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * For service tests of passport consumers (mail-service, audit-service): signs passports with the
 * same code as key-service ({@link PassportSigner}, Ed25519) and serves each tenant's JWKS over
 * HTTP on a free loopback port, so the service under test verifies them with its real verifier
 * and real HTTP fetches. key-service itself is tested in its own module, and the system tests run
 * the real chain. One per JVM.
 */
public final class TestPassportIssuer {

    public static final List<String> TENANTS = List.of("consumer", "acme");
    private static TestPassportIssuer instance;

    private final HttpServer server;
    private final Map<String, KeyPair> keys = new HashMap<>();

    private TestPassportIssuer() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519", Ed25519Keys.provider());
            for (String tenant : TENANTS) {
                keys.put(tenant, generator.generateKeyPair());
            }
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String tenant : TENANTS) {
            byte[] jwks = ("{\"keys\":[" + Ed25519Keys.publicJwkJson(kid(tenant), Ed25519Keys.rawPublicKey(keys.get(tenant).getPublic()))
                    + "]}").getBytes(StandardCharsets.UTF_8);
            server.createContext(KeyPurpose.PASSPORT.jwksPath(tenant), exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                exchange.getResponseBody().write(jwks);
                exchange.close();
            });
        }
        server.start();
    }

    public static synchronized TestPassportIssuer get() {
        if (instance == null) {
            instance = new TestPassportIssuer();
        }
        return instance;
    }

    private static String kid(String tenant) {
        return "test-" + tenant + "-passport";
    }

    public String issuer(String tenant) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/keys/tenants/" + tenant;
    }

    public String jwksUrl(String tenant) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + KeyPurpose.PASSPORT.jwksPath(tenant);
    }

    /** Configuration for a service that trusts this issuer's tenants. */
    public Map<String, String> config(String audience) {
        Map<String, String> config = new HashMap<>();
        config.put("sealpost.passport.audience", audience);
        for (String tenant : TENANTS) {
            config.put("sealpost.passport.tenants." + tenant + ".issuer", issuer(tenant));
            config.put("sealpost.passport.tenants." + tenant + ".jwks-url", jwksUrl(tenant));
        }
        return config;
    }

    /** A passport for the user {@code subject} holding {@code address}, for {@code audience}. */
    public String passport(String tenant, String subject, String address, String audience, String... roles) {
        PassportSigner.Claims claims = new PassportSigner.Claims(issuer(tenant), tenant, subject, audience, Set.of(roles), "2fa",
                address, Instant.now(), Duration.ofMinutes(5));
        return PassportSigner.sign(claims, kid(tenant), keys.get(tenant).getPrivate(), UUID.randomUUID().toString());
    }
}
