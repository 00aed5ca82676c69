package dev.sealpost.keys.service;

import dev.sealpost.crypto.KeyPurpose;
import dev.sealpost.keys.domain.SigningKey;
import dev.sealpost.keys.repository.SigningKeyRepository;
import dev.sealpost.passport.Ed25519Keys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.PrivateKey;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ACTIVE key of every tenant and purpose, decrypted once and kept in memory so that signing a
 * passport touches neither the database nor the KEK. Refreshed after every lifecycle step and on
 * every scheduled check, so a replica that did not rotate itself follows within one check interval
 * (the retired key stays verifiable for longer than that). It also keeps a snapshot of every
 * tenant's published public keys, so verifying a passport inside key-service never waits on I/O.
 */
@ApplicationScoped
public class ActiveSigningKeys {

    /** A key that may sign now. */
    public record Signer(String kid, PrivateKey privateKey) {
        @Override
        public String toString() {
            return "Signer[kid=" + kid + "]";
        }
    }

    private final Pool pool;
    private final SigningKeyRepository repository;
    private final KeyEncryption encryption;
    private volatile Map<String, Signer> signers = Map.of();
    private volatile Map<String, String> publishedJwks = Map.of();

    public ActiveSigningKeys(Pool pool, SigningKeyRepository repository, KeyEncryption encryption) {
        this.pool = pool;
        this.repository = repository;
        this.encryption = encryption;
    }

    public Optional<Signer> signer(String tenant, KeyPurpose purpose) {
        return Optional.ofNullable(signers.get(slot(tenant, purpose)));
    }

    /** The JWKS of a tenant's published keys for a purpose, as of the last refresh. */
    public String publishedJwks(String tenant, KeyPurpose purpose) {
        return publishedJwks.getOrDefault(slot(tenant, purpose), "{\"keys\":[]}");
    }

    public Uni<Void> refresh() {
        return repository.allPublished(pool).invoke(keys -> {
            Map<String, java.util.StringJoiner> sets = new HashMap<>();
            for (SigningKey key : keys) {
                sets.computeIfAbsent(slot(key.tenant(), key.purpose()), ignored -> new java.util.StringJoiner(",", "{\"keys\":[", "]}"))
                        .add(Ed25519Keys.publicJwkJson(key.kid(), key.publicKey()));
            }
            Map<String, String> snapshot = new HashMap<>();
            sets.forEach((slot, joiner) -> snapshot.put(slot, joiner.toString()));
            publishedJwks = Map.copyOf(snapshot);
        }).chain(() -> repository.active(pool)).map(keys -> {
            Map<String, Signer> loaded = new HashMap<>();
            Map<String, Signer> previous = signers;
            for (SigningKey key : keys) {
                String slot = slot(key.tenant(), key.purpose());
                Signer known = previous.get(slot);
                if (known != null && known.kid().equals(key.kid())) {
                    loaded.put(slot, known);
                    continue;
                }
                byte[] pkcs8 = encryption.open(key.sealedPrivateKey(), key.kekId(), key.kid(), key.tenant(), key.purpose().name());
                loaded.put(slot, new Signer(key.kid(), Ed25519Keys.privateKey(pkcs8)));
                Arrays.fill(pkcs8, (byte) 0);
            }
            signers = Map.copyOf(loaded);
            return null;
        });
    }

    private static String slot(String tenant, KeyPurpose purpose) {
        return tenant + "/" + purpose.name();
    }
}
