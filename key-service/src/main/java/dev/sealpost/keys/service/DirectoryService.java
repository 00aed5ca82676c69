package dev.sealpost.keys.service;

import dev.sealpost.crypto.CryptoException;
import dev.sealpost.crypto.Fingerprint;
import dev.sealpost.crypto.PassphraseWrap;
import dev.sealpost.crypto.PublicBundle;
import dev.sealpost.crypto.merkle.DirectoryLeaf;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.keys.domain.TreeHead;
import dev.sealpost.keys.repository.AddressOwnerRepository;
import dev.sealpost.keys.repository.KeyBackupRepository;
import dev.sealpost.keys.repository.KeyBundleRepository;
import dev.sealpost.outbox.Outbox;
import dev.sealpost.passport.Passport;
import dev.sealpost.service.rest.MailAddresses;
import dev.sealpost.service.rest.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * The public-key directory: publish a bundle for an address you own, look one up with the proof
 * that it is in the tenant's log, keep a passphrase-wrapped backup the server cannot read.
 *
 * <p>Ownership: a passport carries the address its identity provider verified; the first subject
 * to publish for an address (in the address's own tenant) owns it, and only that subject can add
 * versions. Identity stays (issuer, subject): the address is what is bound, never who one is.
 */
@ApplicationScoped
public class DirectoryService {

    public static final int MAX_BUNDLE_BYTES = 16 * 1024;
    public static final int MAX_BACKUP_BYTES = 16 * 1024;
    private static final String SERVICE = "key-service";

    private final Pool pool;
    private final DirectoryLog log;
    private final Tenants tenants;
    private final Outbox outbox;
    private final KeyBundleRepository bundles;
    private final AddressOwnerRepository owners;
    private final KeyBackupRepository backups;

    public DirectoryService(Pool pool, DirectoryLog log, Tenants tenants, Outbox outbox, KeyBundleRepository bundles,
            AddressOwnerRepository owners, KeyBackupRepository backups) {
        this.pool = pool;
        this.log = log;
        this.tenants = tenants;
        this.outbox = outbox;
        this.bundles = bundles;
        this.owners = owners;
        this.backups = backups;
    }

    public record Published(String address, long version, Fingerprint fingerprint, long leafIndex, boolean created) {
    }

    public record Lookup(String address, long version, byte[] bundle, Fingerprint fingerprint, long leafIndex, long loggedAtMillis,
            List<byte[]> inclusionProof, TreeHead treeHead) {
    }

    public Uni<Published> publish(Passport caller, String rawAddress, byte[] encodedBundle) {
        String address = MailAddresses.normalize(rawAddress);
        if (caller.address() == null || !caller.address().equals(address)) {
            throw ProblemException.forbidden("only the holder of this address may publish its keys");
        }
        String tenant = tenants.byAddress(address).orElseThrow(() -> ProblemException.forbidden("no tenant serves this address"));
        if (!tenant.equals(caller.tenant())) {
            throw ProblemException.forbidden("the address belongs to another tenant");
        }
        if (encodedBundle == null || encodedBundle.length == 0) {
            throw ProblemException.badRequest("the body must be a public bundle (application/octet-stream)");
        }
        if (encodedBundle.length > MAX_BUNDLE_BYTES) {
            throw new ProblemException(413, "Content Too Large", "a public bundle has at most " + MAX_BUNDLE_BYTES + " bytes");
        }
        PublicBundle bundle;
        try {
            bundle = PublicBundle.fromBytes(encodedBundle);
        } catch (CryptoException e) {
            throw ProblemException.badRequest("not a valid self-signed public bundle (" + e.getClass().getSimpleName() + ")");
        }
        Fingerprint fingerprint = bundle.fingerprint();
        SecurityEvent.Actor actor = PassportAuthentication.actor(caller);
        DirectoryLog.Appended[] appended = new DirectoryLog.Appended[1];
        return pool.withTransaction(transaction -> log.lock(transaction, tenant)
                        .chain(() -> bindOwner(transaction, address, tenant, caller.subject()))
                        .chain(() -> bundles.latest(transaction, address))
                        .chain(found -> {
                            KeyBundleRepository.Latest latest = found.orElse(null);
                            if (latest != null && latest.fingerprint().equals(fingerprint)) {
                                // the same bundle again: an idempotent no-op
                                return Uni.createFrom().item(new Published(address, latest.version(), fingerprint, latest.leafIndex(), false));
                            }
                            long version = latest == null ? 1 : latest.version() + 1;
                            long now = System.currentTimeMillis();
                            DirectoryLeaf leaf = new DirectoryLeaf(address, version, fingerprint, now);
                            return log.append(transaction, tenant, leaf, actor).chain(result -> {
                                appended[0] = result;
                                return bundles.insert(transaction, address, tenant, version, encodedBundle, fingerprint, result.leafIndex(), now)
                                        .chain(() -> outbox.append(transaction, SecurityEvent.of(version == 1
                                                        ? SecurityEventType.KEY_BUNDLE_PUBLISHED : SecurityEventType.KEY_VERSION_ADDED, SERVICE)
                                                .tenant(tenant).actor(actor).target(address + "#v" + version + " " + fingerprint.toHex()).build()))
                                        .replaceWith(new Published(address, version, fingerprint, result.leafIndex(), true));
                            });
                        }))
                .invoke(() -> {
                    if (appended[0] != null) {
                        log.committed(appended[0]);
                    }
                });
    }

    /** The current bundle, or {@code version} if given, with its inclusion proof against the latest tree head. */
    public Uni<Lookup> lookup(String rawAddress, Long version) {
        String address = MailAddresses.normalize(rawAddress);
        if (version != null && version < 1) {
            throw ProblemException.badRequest("versions start at 1");
        }
        String tenant = tenants.byAddress(address).orElseThrow(() -> ProblemException.notFound("no keys for this address"));
        return bundles.find(pool, address, version).chain(found -> {
            KeyBundleRepository.StoredBundle stored = found.orElseThrow(() -> ProblemException.notFound("no keys for this address"));
            return log.covering(tenant, stored.leafIndex()).map(head -> new Lookup(address, stored.version(), stored.bundle(),
                    stored.fingerprint(), stored.leafIndex(), stored.loggedAtMillis(),
                    log.tree(tenant).inclusionProof(stored.leafIndex(), head.treeSize()), head));
        });
    }

    public Uni<Void> storeBackup(Passport caller, byte[] blob) {
        if (blob == null || blob.length == 0) {
            throw ProblemException.badRequest("the body must be a passphrase-wrapped key blob (application/octet-stream)");
        }
        if (blob.length > MAX_BACKUP_BYTES) {
            throw new ProblemException(413, "Content Too Large", "a key backup has at most " + MAX_BACKUP_BYTES + " bytes");
        }
        try {
            PassphraseWrap.inspect(blob);
        } catch (CryptoException.WeakParameters e) {
            throw ProblemException.badRequest("the backup's Argon2id parameters are below the minimum (m=19 MiB, t=2)");
        } catch (CryptoException e) {
            throw ProblemException.badRequest("not a passphrase-wrapped key blob (" + e.getClass().getSimpleName() + ")");
        }
        return pool.withTransaction(transaction -> backups.upsert(transaction, caller.subject(), caller.tenant(), blob)
                .chain(() -> outbox.append(transaction, SecurityEvent.of(SecurityEventType.KEY_BACKUP_UPDATED, SERVICE)
                        .tenant(caller.tenant()).actor(PassportAuthentication.actor(caller)).target("key-backup").build())));
    }

    public Uni<byte[]> fetchBackup(Passport caller) {
        return backups.find(pool, caller.subject(), caller.tenant())
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("no key backup stored")));
    }

    private Uni<Void> bindOwner(SqlClient transaction, String address, String tenant, String subject) {
        return owners.bindOrGetOwner(transaction, address, tenant, subject).map(owner -> {
            if (!owner.equals(subject)) {
                throw ProblemException.forbidden("this address is bound to another user");
            }
            return null;
        });
    }
}
