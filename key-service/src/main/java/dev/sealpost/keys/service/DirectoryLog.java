package dev.sealpost.keys.service;

import dev.sealpost.crypto.KeyPurpose;
import dev.sealpost.crypto.merkle.DirectoryLeaf;
import dev.sealpost.crypto.merkle.MerkleTree;
import dev.sealpost.crypto.merkle.SignedTreeHead;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.keys.domain.TreeHead;
import dev.sealpost.keys.repository.TransparencyLogRepository;
import dev.sealpost.outbox.Outbox;
import dev.sealpost.passport.Ed25519Keys;
import dev.sealpost.service.rest.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tenant's transparency log: rows in {@code log_entry} (append-only in the database), an
 * in-memory {@link MerkleTree} per tenant built from them for O(log n) proofs, and signed tree
 * heads. Appends run inside the caller's transaction under a per-tenant advisory lock; the memory
 * tree only grows from committed rows, in index order, so replicas and retries stay consistent.
 * When a tree is first loaded, its root is checked against the latest signed tree head: a row
 * changed in the database makes the tenant's log refuse service (fail closed) instead of signing
 * a rewritten history.
 */
@ApplicationScoped
public class DirectoryLog {

    private static final Logger LOG = Logger.getLogger(DirectoryLog.class);
    private static final String SERVICE = "key-service";

    private final Pool pool;
    private final ActiveSigningKeys activeKeys;
    private final Outbox outbox;
    private final TransparencyLogRepository rows;
    private final Map<String, MerkleTree> trees = new ConcurrentHashMap<>();
    private final Map<String, TreeHead> latestHeads = new ConcurrentHashMap<>();
    private final Map<String, Boolean> broken = new ConcurrentHashMap<>();

    public DirectoryLog(Pool pool, ActiveSigningKeys activeKeys, Outbox outbox, TransparencyLogRepository rows) {
        this.rows = rows;
        this.pool = pool;
        this.activeKeys = activeKeys;
        this.outbox = outbox;
    }

    /** What an append produced; {@link #committed} applies it to memory once the transaction committed. */
    public record Appended(String tenant, long leafIndex, byte[] leafHash, TreeHead treeHead) {
    }

    /** Serialises appends to one tenant's log across threads and replicas, until the transaction ends. */
    public Uni<Void> lock(SqlClient transaction, String tenant) {
        return rows.lock(transaction, tenant);
    }

    /** Appends {@code leaf} and a tree head over it; call under {@link #lock} inside a transaction. */
    public Uni<Appended> append(SqlClient transaction, String tenant, DirectoryLeaf leaf, SecurityEvent.Actor actor) {
        return synced(transaction, tenant).chain(tree -> {
            long index = tree.size();
            byte[] leafHash = leaf.leafHash();
            TreeHead head = sign(tenant, index + 1, tree.rootWithAppended(leafHash));
            return rows.insertEntry(transaction, tenant, index, leaf)
                    .chain(() -> insertHead(transaction, head, actor))
                    .replaceWith(new Appended(tenant, index, leafHash, head));
        });
    }

    public void committed(Appended appended) {
        MerkleTree tree = trees.get(appended.tenant());
        if (tree != null) {
            synchronized (tree) {
                if (tree.size() == appended.leafIndex()) {
                    tree.append(appended.leafHash());
                }
            }
        }
        latestHeads.merge(appended.tenant(), appended.treeHead(),
                (old, fresh) -> fresh.treeSize() >= old.treeSize() ? fresh : old);
    }

    /** The latest signed tree head of a tenant, signed by a key still in the JWKS. */
    public Uni<TreeHead> latest(String tenant) {
        requireIntact(tenant);
        TreeHead cached = latestHeads.get(tenant);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return loadLatest(pool, tenant).map(head -> head.orElseThrow(() ->
                new ProblemException(503, "Service Unavailable", "the directory log has no tree head yet")));
    }

    /** A tree head that covers {@code leafIndex}, and a tree in memory that covers the head. */
    public Uni<TreeHead> covering(String tenant, long leafIndex) {
        requireIntact(tenant);
        TreeHead cached = latestHeads.get(tenant);
        MerkleTree tree = trees.get(tenant);
        if (cached != null && cached.treeSize() > leafIndex && tree != null && tree.size() >= cached.treeSize()) {
            return Uni.createFrom().item(cached);
        }
        // another replica appended, or first use here: catch up from the database
        return loadLatest(pool, tenant).chain(head -> synced(pool, tenant).map(synced -> {
            TreeHead latest = head.orElseThrow(() -> new ProblemException(503, "Service Unavailable", "no tree head yet"));
            if (latest.treeSize() <= leafIndex || synced.size() < latest.treeSize()) {
                throw new ProblemException(503, "Service Unavailable", "the directory log is catching up; retry");
            }
            latestHeads.merge(tenant, latest, (old, fresh) -> fresh.treeSize() >= old.treeSize() ? fresh : old);
            return latest;
        }));
    }

    public MerkleTree tree(String tenant) {
        requireIntact(tenant);
        MerkleTree tree = trees.get(tenant);
        if (tree == null) {
            throw new ProblemException(503, "Service Unavailable", "the directory log is loading; retry");
        }
        return tree;
    }

    /**
     * Publishes a fresh tree head if the latest one is missing or signed by a key that no longer
     * signs (so the latest head always verifies against the tenant's JWKS). Scheduled.
     */
    public Uni<Void> refreshTreeHead(String tenant) {
        Optional<ActiveSigningKeys.Signer> signer = activeKeys.signer(tenant, KeyPurpose.DIRECTORY);
        if (signer.isEmpty() || broken.containsKey(tenant)) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(transaction -> lock(transaction, tenant)
                        .chain(() -> loadLatest(transaction, tenant))
                        .chain(head -> {
                            if (head.isPresent() && head.get().kid().equals(signer.get().kid())) {
                                return Uni.createFrom().item((TreeHead) null);
                            }
                            return synced(transaction, tenant).chain(tree -> {
                                long size = tree.size();
                                TreeHead fresh = sign(tenant, size, tree.root(size));
                                return insertHead(transaction, fresh, SecurityEvent.Actor.SYSTEM).replaceWith(fresh);
                            });
                        }))
                .invoke(fresh -> {
                    if (fresh != null) {
                        latestHeads.put(tenant, fresh);
                    }
                })
                .replaceWithVoid();
    }

    /** Forgets the in-memory state of a tenant's log; the next use reloads and re-checks it. */
    public void evict(String tenant) {
        trees.remove(tenant);
        latestHeads.remove(tenant);
        broken.remove(tenant);
    }

    private void requireIntact(String tenant) {
        if (broken.containsKey(tenant)) {
            throw new ProblemException(503, "Service Unavailable",
                    "the key directory log failed its integrity check; operators have been alerted");
        }
    }

    private Uni<Void> insertHead(SqlClient transaction, TreeHead head, SecurityEvent.Actor actor) {
        return rows.insertHead(transaction, head)
                .chain(() -> outbox.append(transaction, SecurityEvent.of(SecurityEventType.TREE_HEAD_PUBLISHED, SERVICE)
                        .tenant(head.tenant()).actor(actor).target("tree-size:" + head.treeSize()).build()));
    }

    private TreeHead sign(String tenant, long treeSize, byte[] root) {
        ActiveSigningKeys.Signer signer = activeKeys.signer(tenant, KeyPurpose.DIRECTORY)
                .orElseThrow(() -> new ProblemException(503, "Service Unavailable", "no active directory key yet"));
        long now = System.currentTimeMillis();
        try {
            Signature signature = Signature.getInstance("Ed25519", Ed25519Keys.provider());
            signature.initSign(signer.privateKey());
            signature.update(SignedTreeHead.toBeSigned(treeSize, now, root));
            return new TreeHead(tenant, treeSize, now, root, signer.kid(), signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing a tree head failed", e);
        }
    }

    private Uni<Optional<TreeHead>> loadLatest(SqlClient client, String tenant) {
        return rows.latestHead(client, tenant);
    }

    /** The tenant's tree with every committed row appended; a tree loaded from scratch is checked first. */
    private Uni<MerkleTree> synced(SqlClient client, String tenant) {
        requireIntact(tenant);
        boolean fresh = !trees.containsKey(tenant);
        MerkleTree tree = trees.computeIfAbsent(tenant, ignored -> new MerkleTree());
        return rows.entriesFrom(client, tenant, tree.size())
                .chain(entries -> {
                    synchronized (tree) {
                        for (TransparencyLogRepository.Entry entry : entries) {
                            if (entry.leafIndex() == tree.size()) {
                                tree.append(entry.leaf().leafHash());
                            }
                        }
                    }
                    if (!fresh) {
                        return Uni.createFrom().item(tree);
                    }
                    return loadLatest(client, tenant).chain(head -> {
                        if (head.isPresent() && (head.get().treeSize() > tree.size()
                                || !MessageDigest.isEqual(tree.root(head.get().treeSize()), head.get().rootHash()))) {
                            broken.put(tenant, true);
                            LOG.errorf("Directory log of tenant %s does not match its signed tree head of size %d: "
                                    + "refusing to serve or extend it", tenant, head.get().treeSize());
                            SecurityEvent alert = SecurityEvent.of(SecurityEventType.DIRECTORY_LOG_INTEGRITY_FAILED, SERVICE)
                                    .tenant(tenant).target("tree-size:" + head.get().treeSize()).failure("root_mismatch").build();
                            return pool.withTransaction(transaction -> outbox.append(transaction, alert))
                                    .onFailure().recoverWithNull()
                                    .invoke(() -> requireIntact(tenant))
                                    .replaceWith(tree);
                        }
                        return Uni.createFrom().item(tree);
                    });
                });
    }
}
