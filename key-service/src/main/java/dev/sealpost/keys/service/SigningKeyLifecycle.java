package dev.sealpost.keys.service;

import dev.sealpost.crypto.KeyPurpose;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.keys.config.KeyServiceConfig;
import dev.sealpost.keys.domain.SigningKey;
import dev.sealpost.keys.domain.SigningKeyState;
import dev.sealpost.keys.repository.SigningKeyRepository;
import dev.sealpost.outbox.Outbox;
import dev.sealpost.passport.Ed25519Keys;
import dev.sealpost.passport.PassportClaims;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Moves every tenant's signing keys through PENDING → ACTIVE → RETIRED → DESTROYED, and carries out
 * manual rotations and emergency revocations. Each change runs in one transaction with its security
 * event (outbox), under a PostgreSQL advisory lock so that replicas sharing a database change keys
 * once: a scheduled step that does not get the lock does nothing, because another replica is
 * doing the same step right then.
 */
@ApplicationScoped
public class SigningKeyLifecycle {

    private static final String SERVICE = "key-service";

    private final Pool pool;
    private final SigningKeyRepository repository;
    private final KeyEncryption encryption;
    private final Tenants tenants;
    private final Outbox outbox;
    private final KeyServiceConfig config;
    private final ActiveSigningKeys activeKeys;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();

    public SigningKeyLifecycle(Pool pool, SigningKeyRepository repository, KeyEncryption encryption, Tenants tenants, Outbox outbox,
            KeyServiceConfig config, ActiveSigningKeys activeKeys) {
        this.pool = pool;
        this.repository = repository;
        this.encryption = encryption;
        this.tenants = tenants;
        this.outbox = outbox;
        this.config = config;
        this.activeKeys = activeKeys;
    }

    /** What a step did, for the admin API. */
    public record StepResult(boolean rotated, Duration retryAfter) {
    }

    /** The scheduled step for every tenant and purpose; skipped if another replica holds the lock. */
    public Uni<Boolean> scheduledStep() {
        Instant now = clock.instant();
        return pool.withTransaction(transaction -> repository.tryLockLifecycle(transaction)
                        .flatMap(locked -> {
                            if (!locked) {
                                return Uni.createFrom().item(false);
                            }
                            return Multi.createFrom().iterable(pairs())
                                    .onItem().transformToUniAndConcatenate(pair -> step(transaction, pair.tenant(), pair.purpose(), now,
                                            false, SecurityEvent.Actor.SYSTEM))
                                    .collect().asList().replaceWith(true);
                        }))
                .call(activeKeys::refresh);
    }

    /** Rotates now if the next key has been published long enough; otherwise says how long to wait. */
    public Uni<StepResult> rotateNow(String tenant, KeyPurpose purpose, SecurityEvent.Actor operator) {
        Instant now = clock.instant();
        return pool.withTransaction(transaction -> lock(transaction)
                        .chain(() -> step(transaction, tenant, purpose, now, true, operator)))
                .call(activeKeys::refresh);
    }

    /**
     * Removes a key from the JWKS at once and erases its private part. If it was the ACTIVE key, the
     * PENDING one takes over immediately (verifiers fetch it on first sight of its kid). Returns
     * false if the tenant has no such published key.
     */
    public Uni<Boolean> revoke(String tenant, String kid, SecurityEvent.Actor operator) {
        Instant now = clock.instant();
        return pool.withTransaction(transaction -> lock(transaction)
                        .chain(() -> repository.lockByKid(transaction, tenant, kid))
                        .chain(key -> {
                            if (key == null || !key.state().published()) {
                                return Uni.createFrom().item(false);
                            }
                            Uni<Void> revoked = repository.revoke(transaction, kid, now)
                                    .call(() -> event(transaction, SecurityEventType.SIGNING_KEY_REVOKED, tenant, key.purpose(), kid, operator));
                            if (key.state() == SigningKeyState.ACTIVE) {
                                revoked = revoked.chain(() -> promotePending(transaction, tenant, key.purpose(), now, operator));
                            } else if (key.state() == SigningKeyState.PENDING) {
                                revoked = revoked.chain(() -> createPending(transaction, tenant, key.purpose(), now, operator).replaceWithVoid());
                            }
                            return revoked.replaceWith(true);
                        }))
                .call(activeKeys::refresh);
    }

    private Uni<Void> lock(SqlClient transaction) {
        return repository.lockLifecycle(transaction);
    }

    private record TenantPurpose(String tenant, KeyPurpose purpose) {
    }

    private List<TenantPurpose> pairs() {
        List<TenantPurpose> pairs = new ArrayList<>();
        tenants.keyHolders().stream().sorted().forEach(tenant -> Arrays.stream(KeyPurpose.values())
                .filter(purpose -> tenants.holdsKeys(tenant, purpose))
                .forEach(purpose -> pairs.add(new TenantPurpose(tenant, purpose))));
        return pairs;
    }

    private Uni<StepResult> step(SqlClient transaction, String tenant, KeyPurpose purpose, Instant now, boolean force,
            SecurityEvent.Actor actor) {
        return repository.lockPublished(transaction, tenant, purpose).chain(keys -> {
            Uni<Void> work = Uni.createFrom().voidItem();
            for (SigningKey key : keys) {
                if (key.state() == SigningKeyState.RETIRED && purpose.destroyedAfterRetirement() && !key.destroyAfter().isAfter(now)) {
                    work = work.chain(() -> repository.destroy(transaction, key.kid(), now))
                            .call(() -> event(transaction, SecurityEventType.SIGNING_KEY_DESTROYED, tenant, purpose, key.kid(), actor));
                }
                if (key.sealedPrivateKey() != null && encryption.needsRewrap(key.kekId())) {
                    work = work.chain(() -> rewrap(transaction, key));
                }
            }
            Optional<SigningKey> active = find(keys, SigningKeyState.ACTIVE);
            Optional<SigningKey> pending = find(keys, SigningKeyState.PENDING);
            if (active.isEmpty()) {
                // first start of a tenant: nothing has been signed yet, so no verifier can be caught out
                Uni<String> pendingKid = pending.isPresent() ? Uni.createFrom().item(pending.get().kid())
                        : createPending(transaction, tenant, purpose, now, actor);
                return work.chain(() -> pendingKid)
                        .chain(kid -> activate(transaction, tenant, purpose, kid, now, actor))
                        .chain(() -> createPending(transaction, tenant, purpose, now, actor))
                        .replaceWith(new StepResult(true, Duration.ZERO));
            }
            if (pending.isEmpty()) {
                return work.chain(() -> createPending(transaction, tenant, purpose, now, actor)).replaceWith(new StepResult(false,
                        config.rotation().publishAhead()));
            }
            boolean due = force || !active.get().activatedAt().plus(config.rotation().period()).isAfter(now);
            Instant publishedLongEnough = pending.get().createdAt().plus(config.rotation().publishAhead());
            if (!due) {
                return work.replaceWith(new StepResult(false, Duration.ZERO));
            }
            if (publishedLongEnough.isAfter(now)) {
                return work.replaceWith(new StepResult(false, Duration.between(now, publishedLongEnough)));
            }
            Instant destroyAfter = now.plus(config.passports().lifetime()).plus(config.rotation().checkEvery())
                    .plus(config.rotation().destroyGrace());
            return work.chain(() -> repository.retire(transaction, active.get().kid(), now, destroyAfter))
                    .call(() -> event(transaction, SecurityEventType.SIGNING_KEY_RETIRED, tenant, purpose, active.get().kid(), actor))
                    .chain(() -> activate(transaction, tenant, purpose, pending.get().kid(), now, actor))
                    .chain(() -> createPending(transaction, tenant, purpose, now, actor))
                    .replaceWith(new StepResult(true, Duration.ZERO));
        });
    }

    private Uni<Void> promotePending(SqlClient transaction, String tenant, KeyPurpose purpose, Instant now, SecurityEvent.Actor actor) {
        return repository.lockPublished(transaction, tenant, purpose).chain(keys -> {
            Optional<SigningKey> pending = find(keys, SigningKeyState.PENDING);
            Uni<String> next = pending.isPresent() ? Uni.createFrom().item(pending.get().kid())
                    : createPending(transaction, tenant, purpose, now, actor);
            return next.chain(kid -> activate(transaction, tenant, purpose, kid, now, actor))
                    .chain(() -> createPending(transaction, tenant, purpose, now, actor))
                    .replaceWithVoid();
        });
    }

    private Uni<Void> activate(SqlClient transaction, String tenant, KeyPurpose purpose, String kid, Instant now, SecurityEvent.Actor actor) {
        return repository.activate(transaction, kid, now)
                .call(() -> event(transaction, SecurityEventType.SIGNING_KEY_ACTIVATED, tenant, purpose, kid, actor));
    }

    /** Generates a key pair, seals the private part under the current KEK, stores it PENDING. Returns its kid. */
    private Uni<String> createPending(SqlClient transaction, String tenant, KeyPurpose purpose, Instant now, SecurityEvent.Actor actor) {
        KeyPair pair = generate();
        String kid = newKid();
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        byte[] sealed = encryption.seal(pkcs8, kid, tenant, purpose.name());
        Arrays.fill(pkcs8, (byte) 0);
        return repository.insertPending(transaction, kid, tenant, purpose, PassportClaims.ALGORITHM,
                        Ed25519Keys.rawPublicKey(pair.getPublic()), sealed, encryption.currentKekId(), now)
                .call(() -> event(transaction, SecurityEventType.SIGNING_KEY_CREATED, tenant, purpose, kid, actor))
                .replaceWith(kid);
    }

    private Uni<Void> rewrap(SqlClient transaction, SigningKey key) {
        byte[] plain = encryption.open(key.sealedPrivateKey(), key.kekId(), key.kid(), key.tenant(), key.purpose().name());
        byte[] sealed = encryption.seal(plain, key.kid(), key.tenant(), key.purpose().name());
        Arrays.fill(plain, (byte) 0);
        return repository.rewrap(transaction, key.kid(), sealed, encryption.currentKekId());
    }

    private Uni<Void> event(SqlClient transaction, SecurityEventType type, String tenant, KeyPurpose purpose, String kid,
            SecurityEvent.Actor actor) {
        return outbox.append(transaction, SecurityEvent.of(type, SERVICE).tenant(tenant).actor(actor)
                .target(purpose.pathSegment() + "-key:" + kid).build());
    }

    private static Optional<SigningKey> find(List<SigningKey> keys, SigningKeyState state) {
        return keys.stream().filter(key -> key.state() == state).findFirst();
    }

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519", Ed25519Keys.provider()).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Bouncy Castle provides Ed25519", e);
        }
    }

    private String newKid() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
