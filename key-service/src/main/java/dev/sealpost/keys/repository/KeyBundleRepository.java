package dev.sealpost.keys.repository;

import dev.sealpost.crypto.Fingerprint;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/** SQL of the published bundles ({@code key_bundle}): one row per address and version. */
@ApplicationScoped
public class KeyBundleRepository {

    /** A stored bundle and where its leaf is in the tenant's log. */
    public record StoredBundle(long version, byte[] bundle, Fingerprint fingerprint, long leafIndex, long loggedAtMillis) {
    }

    /** The highest version of {@code address}, without its bytes. */
    public record Latest(long version, Fingerprint fingerprint, long leafIndex) {
    }

    public Uni<Optional<Latest>> latest(SqlClient client, String address) {
        return client.preparedQuery("SELECT version, fingerprint, leaf_index FROM key_bundle WHERE address = $1 ORDER BY version DESC LIMIT 1")
                .execute(Tuple.of(address))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new Latest(row.getLong("version"), Fingerprint.of(row.getBuffer("fingerprint").getBytes()),
                            row.getLong("leaf_index")));
                });
    }

    /** {@code version}, or the current one when null. */
    public Uni<Optional<StoredBundle>> find(SqlClient client, String address, Long version) {
        String sql = "SELECT version, bundle, fingerprint, leaf_index, logged_at_ms FROM key_bundle WHERE address = $1"
                + (version == null ? " ORDER BY version DESC LIMIT 1" : " AND version = $2");
        return client.preparedQuery(sql).execute(version == null ? Tuple.of(address) : Tuple.of(address, version))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new StoredBundle(row.getLong("version"), row.getBuffer("bundle").getBytes(),
                            Fingerprint.of(row.getBuffer("fingerprint").getBytes()), row.getLong("leaf_index"), row.getLong("logged_at_ms")));
                });
    }

    public Uni<Void> insert(SqlClient transaction, String address, String tenant, long version, byte[] bundle, Fingerprint fingerprint,
            long leafIndex, long loggedAtMillis) {
        return transaction.preparedQuery("INSERT INTO key_bundle (address, version, bundle, fingerprint, tenant, leaf_index, logged_at_ms) "
                        + "VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.tuple(List.of(address, version, Buffer.buffer(bundle), Buffer.buffer(fingerprint.toBytes()), tenant, leafIndex,
                        loggedAtMillis)))
                .replaceWithVoid();
    }
}
