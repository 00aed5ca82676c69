package dev.sealpost.gateway.security;

import dev.sealpost.gateway.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies a Keycloak logout token (OpenID Connect Back-Channel Logout 1.0, section 2.6): signed
 * with RS256 by the realm its {@code iss} names, a configured tenant (keys from that realm's
 * discovery document, never from the token), {@code typ} {@code logout+jwt}, {@code aud} one of the
 * clients the gateway's tokens come from, fresh {@code iat} and {@code exp}, a {@code jti}, the
 * back-channel-logout event, no {@code nonce}, and {@code sid} or {@code sub}. Blocking: the first
 * token of a realm, and one signed by a key not yet seen, fetch the realm's keys.
 */
@ApplicationScoped
public class LogoutTokens {

    static final String LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
    private static final int MAX_TOKEN_LENGTH = 8192;
    private static final int ALLOWED_CLOCK_SKEW_SECONDS = 30;
    /** A logout token is sent the moment the session ends; an older one is a replay. */
    private static final int MAX_AGE_MINUTES = 5;

    /** A verified logout: the tenant of the realm that sent it and the session that ended. */
    public record Logout(String tenant, SessionRevocation revocation) {
    }

    /** Why a logout token was refused, as a category (never the token). */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Map<String, String> tenantByIssuer;
    private final String[] clients;
    private final Map<String, JwtConsumer> consumers = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public LogoutTokens(GatewayConfig config) {
        this.tenantByIssuer = config.tenants().entrySet().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(entry -> entry.getValue().issuer(), Map.Entry::getKey));
        this.clients = config.sessions().logoutClients().toArray(String[]::new);
    }

    /** The tenant the token's issuer belongs to and the session it ends; throws {@link Refused} for anything else. */
    public Logout verify(String logoutToken) throws Refused {
        if (logoutToken == null || logoutToken.isBlank() || logoutToken.length() > MAX_TOKEN_LENGTH) {
            throw new Refused("malformed");
        }
        String issuer = untrustedIssuer(logoutToken).orElseThrow(() -> new Refused("malformed"));
        String tenant = tenantByIssuer.get(issuer);
        if (tenant == null) {
            throw new Refused("unknown_issuer");
        }
        JwtClaims claims;
        try {
            claims = consumerFor(issuer).processToClaims(logoutToken);
        } catch (InvalidJwtException e) {
            throw new Refused("invalid_logout_token");
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new Refused("keys_unavailable");
        }
        try {
            Object events = claims.getClaimValue("events");
            if (!(events instanceof Map<?, ?> map) || !(map.get(LOGOUT_EVENT) instanceof Map)) {
                throw new Refused("not_a_logout_token");
            }
            if (claims.hasClaim("nonce")) {
                throw new Refused("not_a_logout_token"); // an ID token must not pass as a logout token
            }
            String subject = claims.getSubject();
            String session = claims.getStringClaimValue("sid");
            if (subject == null) {
                throw new Refused("no_subject"); // Keycloak names the subject; a session alone could not be attributed
            }
            return new Logout(tenant, new SessionRevocation(issuer, subject, session, Instant.now()));
        } catch (MalformedClaimException e) {
            throw new Refused("invalid_logout_token");
        }
    }

    private static Optional<String> untrustedIssuer(String token) {
        try {
            JwtContext context = new JwtConsumerBuilder().setSkipAllValidators().setDisableRequireSignature()
                    .setSkipSignatureVerification().build().process(token);
            return Optional.ofNullable(context.getJwtClaims().getIssuer());
        } catch (InvalidJwtException | MalformedClaimException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private JwtConsumer consumerFor(String issuer) throws IOException, InterruptedException {
        JwtConsumer consumer = consumers.get(issuer);
        if (consumer != null) {
            return consumer;
        }
        HttpsJwks keys = new HttpsJwks(jwksUri(issuer));
        consumer = new JwtConsumerBuilder()
                .setExpectedIssuer(true, issuer)
                .setExpectedAudience(true, clients)
                .setExpectedType(true, "logout+jwt")
                .setRequireIssuedAt()
                .setIssuedAtRestrictions(ALLOWED_CLOCK_SKEW_SECONDS, MAX_AGE_MINUTES * 60)
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(ALLOWED_CLOCK_SKEW_SECONDS)
                .setRequireJwtId()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(keys))
                .build();
        JwtConsumer raced = consumers.putIfAbsent(issuer, consumer);
        return raced != null ? raced : consumer;
    }

    /** The realm's {@code jwks_uri}, from its discovery document (the one quarkus-oidc reads too). */
    private String jwksUri(String issuer) throws IOException, InterruptedException {
        HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (discovery.statusCode() != 200) {
            throw new IOException("discovery answered " + discovery.statusCode());
        }
        String uri = new JsonObject(discovery.body()).getString("jwks_uri");
        if (uri == null) {
            throw new IOException("no jwks_uri in the discovery document");
        }
        return uri;
    }
}
