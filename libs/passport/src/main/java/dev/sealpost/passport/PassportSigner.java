package dev.sealpost.passport;

import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Signs passports (key-service only). The caller supplies the tenant's ACTIVE key. */
public final class PassportSigner {

    private PassportSigner() {
    }

    /** What a passport says, before signing. */
    public record Claims(String issuer, String tenant, String subject, String audience, Set<String> roles, String acr,
            String address, Instant issuedAt, Duration lifetime) {
        public Claims {
            if (lifetime.isNegative() || lifetime.isZero() || lifetime.toSeconds() > PassportClaims.MAX_LIFETIME_SECONDS) {
                throw new IllegalArgumentException("a passport lives at most " + PassportClaims.MAX_LIFETIME_SECONDS + " s");
            }
            roles = Set.copyOf(roles);
        }

        public Instant expiresAt() {
            return issuedAt.plus(lifetime);
        }
    }

    public static String sign(Claims claims, String keyId, PrivateKey key, String tokenId) {
        JwtClaims jwt = new JwtClaims();
        jwt.setIssuer(claims.issuer());
        jwt.setSubject(claims.subject());
        jwt.setAudience(claims.audience());
        jwt.setIssuedAt(NumericDate.fromSeconds(claims.issuedAt().getEpochSecond()));
        jwt.setNotBefore(NumericDate.fromSeconds(claims.issuedAt().getEpochSecond()));
        jwt.setExpirationTime(NumericDate.fromSeconds(claims.expiresAt().getEpochSecond()));
        jwt.setJwtId(tokenId);
        jwt.setStringClaim(PassportClaims.TENANT, claims.tenant());
        jwt.setStringListClaim(PassportClaims.ROLES, List.copyOf(claims.roles()));
        jwt.setStringClaim(PassportClaims.ACR, claims.acr());
        if (claims.address() != null) {
            jwt.setStringClaim(PassportClaims.ADDRESS, claims.address());
        }

        JsonWebSignature jws = new JsonWebSignature();
        jws.setProviderContext(Ed25519Keys.providerContext());
        jws.setPayload(jwt.toJson());
        jws.setAlgorithmHeaderValue(PassportClaims.ALGORITHM);
        jws.setKeyIdHeaderValue(keyId);
        jws.setHeader("typ", PassportClaims.TYPE);
        jws.setKey(key);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("signing a passport failed", e);
        }
    }
}
