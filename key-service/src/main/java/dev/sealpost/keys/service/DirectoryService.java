package dev.sealpost.keys.service;

import dev.sealpost.crypto.CryptoException;
import dev.sealpost.crypto.Fingerprint;
import dev.sealpost.crypto.PassphraseWrap;
import dev.sealpost.crypto.PublicBundle;
import dev.sealpost.crypto.merkle.DirectoryLeaf;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.keys.domain.TreeHead;
import dev.sealpost.passport.Passport;
import dev.sealpost.outbox.Outbox;
import dev.sealpost.service.rest.MailAddresses;
import dev.sealpost.service.rest.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    public DirectoryService(Pool pool, DirectoryLog log, Tenants tenants, Outbox outbox) {
        this.pool = pool;
        this.log = log;
        this.tenants = tenants;
        this.outbox = outbox;
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
                        .chain(() -> latestVersion(transaction, address))
                        .chain(latest -> {
                            if (latest != null && latest.fingerprint().equals(fingerprint)) {
                                // the same bundle again: an idempotent no-op
                                return Uni.createFrom().item(new Published(address, latest.version(), fingerprint, latest.leafIndex(), false));
                            }
                            long version = latest == null ? 1 : latest.version() + 1;
                            long now = System.currentTimeMillis();
                            DirectoryLeaf leaf = new DirectoryLeaf(address, version, fingerprint, now);
                            return log.append(transaction, tenant, leaf, actor).chain(result -> {
                                appended[0] = result;
                                return transaction.preparedQuery("INSERT INTO key_bundle (address, version, bundle, fingerprint, tenant, "
                                                + "leaf_index, logged_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                                        .execute(Tuple.tuple(List.of(address, version, Buffer.buffer(encodedBundle),
                                                Buffer.buffer(fingerprint.toBytes()), tenant, result.leafIndex(), now)))
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
        String sql = "SELECT version, bundle, fingerprint, leaf_index, logged_at_ms FROM key_bundle WHERE address = $1"
                + (version == null ? " ORDER BY version DESC LIMIT 1" : " AND version = $2");
        Tuple arguments = version == null ? Tuple.of(address) : Tuple.of(address, version);
        return pool.preparedQuery(sql).execute(arguments).chain(rows -> {
            if (rows.size() == 0) {
                throw ProblemException.notFound("no keys for this address");
            }
            Row row = rows.iterator().next();
            long leafIndex = row.getLong("leaf_index");
            return log.covering(tenant, leafIndex).map(head -> new Lookup(address, row.getLong("version"),
                    row.getBuffer("bundle").getBytes(), Fingerprint.of(row.getBuffer("fingerprint").getBytes()), leafIndex,
                    row.getLong("logged_at_ms"), log.tree(tenant).inclusionProof(leafIndex, head.treeSize()), head));
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
        return pool.withTransaction(transaction -> transaction.preparedQuery("INSERT INTO key_backup (owner_subject, tenant, blob, updated_at) "
                        + "VALUES ($1, $2, $3, $4) ON CONFLICT (owner_subject) DO UPDATE SET blob = EXCLUDED.blob, updated_at = EXCLUDED.updated_at")
                .execute(Tuple.of(caller.subject(), caller.tenant(), Buffer.buffer(blob), OffsetDateTime.now(ZoneOffset.UTC)))
                .chain(() -> outbox.append(transaction, SecurityEvent.of(SecurityEventType.KEY_BACKUP_UPDATED, SERVICE)
                        .tenant(caller.tenant()).actor(PassportAuthentication.actor(caller)).target("key-backup").build())));
    }

    public Uni<byte[]> fetchBackup(Passport caller) {
        return pool.preparedQuery("SELECT blob FROM key_backup WHERE owner_subject = $1 AND tenant = $2")
                .execute(Tuple.of(caller.subject(), caller.tenant()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("no key backup stored");
                    }
                    return rows.iterator().next().getBuffer("blob").getBytes();
                });
    }

    private record Latest(long version, Fingerprint fingerprint, long leafIndex) {
    }

    private Uni<Latest> latestVersion(SqlClient transaction, String address) {
        return transaction.preparedQuery("SELECT version, fingerprint, leaf_index FROM key_bundle WHERE address = $1 "
                        + "ORDER BY version DESC LIMIT 1")
                .execute(Tuple.of(address))
                .map(rows -> rows.size() == 0 ? null : new Latest(rows.iterator().next().getLong("version"),
                        Fingerprint.of(rows.iterator().next().getBuffer("fingerprint").getBytes()),
                        rows.iterator().next().getLong("leaf_index")));
    }

    private Uni<Void> bindOwner(SqlClient transaction, String address, String tenant, String subject) {
        return transaction.preparedQuery("INSERT INTO address_owner (address, tenant, owner_subject, bound_at) VALUES ($1, $2, $3, $4) "
                        + "ON CONFLICT (address) DO NOTHING")
                .execute(Tuple.of(address, tenant, subject, OffsetDateTime.now(ZoneOffset.UTC)))
                .chain(() -> transaction.preparedQuery("SELECT owner_subject FROM address_owner WHERE address = $1").execute(Tuple.of(address)))
                .map(rows -> {
                    if (!rows.iterator().next().getString("owner_subject").equals(subject)) {
                        throw ProblemException.forbidden("this address is bound to another user");
                    }
                    return null;
                });
    }
}
