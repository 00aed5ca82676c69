package dev.sealpost.passport;

import org.jose4j.jwa.AlgorithmConstraints;
import dev.sealpost.crypto.Ed25519PublicJwk;
import org.jose4j.json.JsonUtil;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Verifies passports for one service (its audience), against the tenants it is configured to trust.
 *
 * <p>Order of checks, each failing closed with a {@link PassportException.Reason}: size; structure;
 * {@code alg} exactly EdDSA; no {@code jku}, {@code x5u}, {@code jwk}, {@code x5c} or {@code crit}
 * header (never honoured, so refused); a well-formed {@code kid}; {@code iss} exactly one configured
 * tenant issuer; {@code kid} in that tenant's JWKS — which is fetched only from the configured URL
 * and at most once per {@code minRefreshInterval}, so unknown kids cannot cause a fetch storm; then
 * signature, {@code aud}, {@code exp}/{@code nbf}/{@code iat} with 60 s skew, lifetime at most 5
 * minutes, and the {@code tenant} claim equal to the issuer's tenant. A key of tenant A can never
 * verify a token naming tenant B: each tenant's keys are looked up only under its own issuer.
 */
public final class PassportVerifier {

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1," + PassportClaims.MAX_KEY_ID_LENGTH + "}");
    private static final Set<String> FORBIDDEN_HEADERS = Set.of("jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256", "crit");

    private final String audience;
    private final Map<String, TenantTrust> tenantsByIssuer;
    private final JwksSource jwksSource;
    private final Clock clock;
    private final Duration minRefreshInterval;
    private final Duration maxKeyAge;
    private final Map<String, TenantKeys> keysByTenant = new ConcurrentHashMap<>();
    private final Set<String> revokedKeyIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong jwksFetches = new AtomicLong();
    /**
     * Passports already verified, until they expire: a client reuses its passport for minutes, and
     * a signature check per request is the largest cost of a cheap request. Bounded; a revoked key's
     * passports are refused on a hit too.
     */
    private final Map<String, Passport> verified = new ConcurrentHashMap<>();
    static final int MAX_CACHED_PASSPORTS = 10_000;

    /** How long fetched keys are trusted without a fresh look at the JWKS, unless given. */
    public static final Duration DEFAULT_MAX_KEY_AGE = Duration.ofSeconds(60);

    public PassportVerifier(String audience, List<TenantTrust> tenants, JwksSource jwksSource, Clock clock,
            Duration minRefreshInterval) {
        this(audience, tenants, jwksSource, clock, minRefreshInterval, DEFAULT_MAX_KEY_AGE);
    }

    /**
     * @param minRefreshInterval least time between two JWKS fetches of a tenant (unknown kids wait for it)
     * @param maxKeyAge          keys fetched longer ago are fetched again before the next use: a key that
     *                           left the JWKS (revoked, destroyed) is refused within this time, for cached
     *                           passports too — so a stolen signing key stops working everywhere once
     *                           key-service revokes it, not only when the services restart
     */
    public PassportVerifier(String audience, List<TenantTrust> tenants, JwksSource jwksSource, Clock clock,
            Duration minRefreshInterval, Duration maxKeyAge) {
        if (maxKeyAge.compareTo(minRefreshInterval) < 0) {
            throw new IllegalArgumentException("maxKeyAge must be at least minRefreshInterval");
        }
        this.maxKeyAge = maxKeyAge;
        this.audience = audience;
        this.tenantsByIssuer = tenants.stream().collect(Collectors.toUnmodifiableMap(TenantTrust::issuer, Function.identity()));
        this.jwksSource = jwksSource;
        this.clock = clock;
        this.minRefreshInterval = minRefreshInterval;
    }

    /** The keys of one tenant as last fetched, and when. Replaced whole, never mutated. */
    private record TenantKeys(Map<String, PublicKey> byKeyId, Instant fetchedAt) {
    }

    /**
     * The passport, if it can be judged without network I/O: it was verified before and its
     * tenant's keys were fetched within maxKeyAge. Empty when {@link #verify} would have to fetch
     * the JWKS or check a signature — call that one, on a thread that may block. Never blocks, so
     * an event-loop thread may call it; a revoked or withdrawn key is refused here as in verify.
     */
    public Optional<Passport> verifyWithoutFetching(String token) throws PassportException {
        Passport cached = token == null ? null : verified.get(token);
        if (cached == null) {
            return Optional.empty();
        }
        TenantTrust tenant = tenantsByIssuer.get(cached.issuer());
        TenantKeys known = tenant == null ? null : keysByTenant.get(tenant.tenant());
        if (known == null || isStale(known) || !isUnexpired(cached)) {
            return Optional.empty();
        }
        if (revokedKeyIds.contains(cached.keyId()) || !known.byKeyId().containsKey(cached.keyId())) {
            verified.remove(token);
            throw new PassportException(PassportException.Reason.UNKNOWN_KEY);
        }
        return Optional.of(cached);
    }

    public Passport verify(String token) throws PassportException {
        if (token == null || token.isEmpty()) {
            throw new PassportException(PassportException.Reason.MALFORMED);
        }
        if (token.length() > PassportClaims.MAX_TOKEN_LENGTH) {
            throw new PassportException(PassportException.Reason.TOO_LARGE);
        }
        Passport cached = verified.get(token);
        if (cached != null) {
            if (revokedKeyIds.contains(cached.keyId()) || !stillPublished(cached)) {
                verified.remove(token);
                throw new PassportException(PassportException.Reason.UNKNOWN_KEY);
            }
            if (isUnexpired(cached)) {
                return cached;
            }
            verified.remove(token);
        }
        Passport passport = verifyUncached(token);
        if (verified.size() >= MAX_CACHED_PASSPORTS) {
            // crude but bounded: start over rather than track recency on the hot path
            verified.clear();
        }
        verified.put(token, passport);
        return passport;
    }

    /** Every check, no cache (the benchmark measures this). */
    Passport verifyUncached(String token) throws PassportException {
        JsonWebSignature jws = parse(token);
        if (!PassportClaims.ALGORITHM.equals(jws.getAlgorithmHeaderValue())) {
            throw new PassportException(PassportException.Reason.ALGORITHM_NOT_ALLOWED);
        }
        for (String header : FORBIDDEN_HEADERS) {
            if (jws.getHeaders().getObjectHeaderValue(header) != null) {
                throw new PassportException(PassportException.Reason.FORBIDDEN_HEADER);
            }
        }
        String keyId = jws.getKeyIdHeaderValue();
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw new PassportException(PassportException.Reason.MALFORMED);
        }
        TenantTrust tenant = tenantsByIssuer.get(unverifiedIssuer(jws));
        if (tenant == null) {
            throw new PassportException(PassportException.Reason.UNKNOWN_ISSUER);
        }
        if (revokedKeyIds.contains(keyId)) {
            throw new PassportException(PassportException.Reason.UNKNOWN_KEY);
        }
        PublicKey key = keyFor(tenant, keyId);
        JwtClaims claims = verifyClaims(token, tenant, key);
        try {
            if (!tenant.tenant().equals(claims.getStringClaimValue(PassportClaims.TENANT))) {
                throw new PassportException(PassportException.Reason.WRONG_TENANT);
            }
            long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
            if (lifetime > PassportClaims.MAX_LIFETIME_SECONDS) {
                throw new PassportException(PassportException.Reason.LIFETIME_TOO_LONG);
            }
            List<String> roles = claims.isClaimValueStringList(PassportClaims.ROLES)
                    ? claims.getStringListClaimValue(PassportClaims.ROLES) : List.of();
            return new Passport(tenant.tenant(), tenant.issuer(), claims.getSubject(), audience, Set.copyOf(new HashSet<>(roles)),
                    claims.getStringClaimValue(PassportClaims.ACR), claims.getStringClaimValue(PassportClaims.ADDRESS),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()),
                    keyId);
        } catch (MalformedClaimException e) {
            throw new PassportException(PassportException.Reason.MALFORMED);
        }
    }

    /**
     * Stops accepting a key at once, before the next JWKS refresh: called when a revocation event
     * arrives. The key stays refused even if a stale JWKS still lists it.
     */
    public void revoke(String keyId) {
        revokedKeyIds.add(keyId);
        verified.values().removeIf(passport -> passport.keyId().equals(keyId));
    }

    /** How many JWKS documents this verifier has fetched (for tests and metrics). */
    public long jwksFetches() {
        return jwksFetches.get();
    }

    private static JsonWebSignature parse(String token) throws PassportException {
        try {
            JsonWebStructure structure = JsonWebStructure.fromCompactSerialization(token);
            if (!(structure instanceof JsonWebSignature jws)) {
                throw new PassportException(PassportException.Reason.MALFORMED);
            }
            return jws;
        } catch (JoseException | RuntimeException e) {
            throw new PassportException(PassportException.Reason.MALFORMED);
        }
    }

    /** Only to pick the tenant whose keys to try; the signature check below binds iss to those keys. */
    private static String unverifiedIssuer(JsonWebSignature jws) throws PassportException {
        try {
            return JwtClaims.parse(jws.getUnverifiedPayload()).getIssuer();
        } catch (Exception e) {
            throw new PassportException(PassportException.Reason.MALFORMED);
        }
    }

    private JwtClaims verifyClaims(String token, TenantTrust tenant, PublicKey key) throws PassportException {
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, PassportClaims.ALGORITHM)
                .setVerificationKey(key)
                .setJwsProviderContext(Ed25519Keys.providerContext())
                .setExpectedIssuer(true, tenant.issuer())
                .setExpectedAudience(true, audience)
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(PassportClaims.CLOCK_SKEW_SECONDS)
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromMilliseconds(clock.millis()))
                .setExpectedType(true, PassportClaims.TYPE)
                .build();
        try {
            return consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            if (e.hasErrorCode(ErrorCodes.EXPIRED)) {
                throw new PassportException(PassportException.Reason.EXPIRED);
            }
            if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID) || e.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
                throw new PassportException(PassportException.Reason.NOT_YET_VALID);
            }
            if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                throw new PassportException(PassportException.Reason.WRONG_AUDIENCE);
            }
            if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
                throw new PassportException(PassportException.Reason.BAD_SIGNATURE);
            }
            if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID)) {
                throw new PassportException(PassportException.Reason.UNKNOWN_ISSUER);
            }
            throw new PassportException(PassportException.Reason.MALFORMED);
        }
    }

    /** Whether the key of a cached passport is still in its tenant's JWKS (looked at again once the keys are older than maxKeyAge). */
    private boolean stillPublished(Passport cached) throws PassportException {
        TenantTrust tenant = tenantsByIssuer.get(cached.issuer());
        return tenant != null && currentKeys(tenant).byKeyId().containsKey(cached.keyId());
    }

    /** The tenant's keys, fetched again first if they are older than maxKeyAge (or were never fetched). */
    private TenantKeys currentKeys(TenantTrust tenant) throws PassportException {
        TenantKeys known = keysByTenant.get(tenant.tenant());
        if (known == null || isStale(known)) {
            return refresh(tenant, known);
        }
        return known;
    }

    private boolean isStale(TenantKeys keys) {
        return keys.fetchedAt().plus(maxKeyAge).isBefore(clock.instant());
    }

    private boolean isUnexpired(Passport passport) {
        return clock.instant().isBefore(passport.expiresAt().plusSeconds(PassportClaims.CLOCK_SKEW_SECONDS));
    }

    private PublicKey keyFor(TenantTrust tenant, String keyId) throws PassportException {
        TenantKeys known = currentKeys(tenant);
        if (known.byKeyId().containsKey(keyId)) {
            return known.byKeyId().get(keyId);
        }
        TenantKeys refreshed = refresh(tenant, known);
        PublicKey key = refreshed.byKeyId().get(keyId);
        if (key == null) {
            throw new PassportException(PassportException.Reason.UNKNOWN_KEY);
        }
        return key;
    }

    /** Fetches the tenant's JWKS unless it was fetched within the refresh interval; one fetch at a time per tenant. */
    private TenantKeys refresh(TenantTrust tenant, TenantKeys seen) throws PassportException {
        synchronized (tenant) {
            TenantKeys current = keysByTenant.get(tenant.tenant());
            if (current != null && (current != seen
                    || current.fetchedAt().plus(minRefreshInterval).isAfter(clock.instant()))) {
                return current;
            }
            Instant now = clock.instant();
            try {
                jwksFetches.incrementAndGet();
                TenantKeys fetched = new TenantKeys(parseJwks(jwksSource.fetch(tenant.jwksUrl())), now);
                keysByTenant.put(tenant.tenant(), fetched);
                return fetched;
            } catch (IOException | RuntimeException e) {
                // remember the failed attempt too, so a dead JWKS endpoint is not hammered either
                TenantKeys stale = new TenantKeys(current == null ? Map.of() : current.byKeyId(), now);
                keysByTenant.put(tenant.tenant(), stale);
                if (current == null) {
                    throw new PassportException(PassportException.Reason.KEYS_UNAVAILABLE);
                }
                return stale;
            }
        }
    }

    /** Only Ed25519 signing keys ({@link Ed25519PublicJwk#parse}) with a kid are taken; anything else in the set is ignored. */
    private static Map<String, PublicKey> parseJwks(String json) throws IOException {
        Object keys;
        try {
            keys = JsonUtil.parseJson(json).get("keys");
        } catch (JoseException e) {
            throw new IOException("not a JWKS", e);
        }
        if (!(keys instanceof List<?> list)) {
            throw new IOException("not a JWKS");
        }
        Map<String, PublicKey> byKeyId = new java.util.HashMap<>();
        for (Object entry : list) {
            if (entry instanceof Map<?, ?> member) {
                @SuppressWarnings("unchecked")
                Map<String, ?> jwk = (Map<String, ?>) member;
                Ed25519PublicJwk.parse(jwk).filter(key -> key.keyId() != null && KEY_ID.matcher(key.keyId()).matches())
                        .ifPresent(key -> byKeyId.put(key.keyId(), Ed25519Keys.publicKey(key.publicKey())));
            }
        }
        return Map.copyOf(byKeyId);
    }
}
