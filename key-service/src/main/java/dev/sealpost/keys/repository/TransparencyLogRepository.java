package dev.sealpost.keys.repository;

import dev.sealpost.crypto.Fingerprint;
import dev.sealpost.crypto.merkle.DirectoryLeaf;
import dev.sealpost.keys.domain.TreeHead;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL of the tenants' transparency logs: their leaves ({@code log_entry}) and signed tree heads ({@code tree_head}). */
@ApplicationScoped
public class TransparencyLogRepository {

    /** A leaf as stored, with its index in the tenant's log. */
    public record Entry(long leafIndex, DirectoryLeaf leaf) {
    }

    /** Serialises appends to one tenant's log across threads and replicas, until the transaction ends. */
    public Uni<Void> lock(SqlClient transaction, String tenant) {
        return transaction.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))")
                .execute(Tuple.of("sealpost-directory-log:" + tenant)).replaceWithVoid();
    }

    public Uni<Void> insertEntry(SqlClient transaction, String tenant, long leafIndex, DirectoryLeaf leaf) {
        return transaction.preparedQuery("INSERT INTO log_entry (tenant, leaf_index, address, version, fingerprint, logged_at_ms) "
                        + "VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.of(tenant, leafIndex, leaf.address(), leaf.version(), Buffer.buffer(leaf.fingerprint().toBytes()),
                        leaf.timeMillis()))
                .replaceWithVoid();
    }

    public Uni<Void> insertHead(SqlClient transaction, TreeHead head) {
        return transaction.preparedQuery("INSERT INTO tree_head (tenant, tree_size, timestamp_ms, root_hash, kid, signature) "
                        + "VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.tuple(List.of(head.tenant(), head.treeSize(), head.timestampMillis(), Buffer.buffer(head.rootHash()),
                        head.kid(), Buffer.buffer(head.signature()))))
                .replaceWithVoid();
    }

    /** The tenant's latest signed tree head. */
    public Uni<Optional<TreeHead>> latestHead(SqlClient client, String tenant) {
        return client.preparedQuery("SELECT tree_size, timestamp_ms, root_hash, kid, signature FROM tree_head WHERE tenant = $1 "
                        + "ORDER BY id DESC LIMIT 1")
                .execute(Tuple.of(tenant))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new TreeHead(tenant, row.getLong("tree_size"), row.getLong("timestamp_ms"),
                            row.getBuffer("root_hash").getBytes(), row.getString("kid"), row.getBuffer("signature").getBytes()));
                });
    }

    /** The tenant's leaves from {@code fromIndex} on, in order. */
    public Uni<List<Entry>> entriesFrom(SqlClient client, String tenant, long fromIndex) {
        return client.preparedQuery("SELECT leaf_index, address, version, fingerprint, logged_at_ms FROM log_entry "
                        + "WHERE tenant = $1 AND leaf_index >= $2 ORDER BY leaf_index")
                .execute(Tuple.of(tenant, fromIndex))
                .map(rows -> {
                    List<Entry> entries = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        entries.add(new Entry(row.getLong("leaf_index"), new DirectoryLeaf(row.getString("address"), row.getLong("version"),
                                Fingerprint.of(row.getBuffer("fingerprint").getBytes()), row.getLong("logged_at_ms"))));
                    }
                    return entries;
                });
    }
}
