package dev.sealpost.audit.repository;

import dev.sealpost.crypto.AuditCheckpoint;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** The signed checkpoints of the tenants' hash chains ({@code audit_checkpoint}) and the chain heads still to be sealed. */
@ApplicationScoped
public class CheckpointRepository {

    private final Pool pool;

    public CheckpointRepository(Pool pool) {
        this.pool = pool;
    }

    /** A chain's last position and the hash it ends in. */
    public record ChainHead(String tenant, long seq, byte[] hash) {
    }

    /**
     * A checkpoint as stored, with the hash of the chain row at its position.
     *
     * @param rowHash null when the chain holds no row at the position
     */
    public record StoredCheckpoint(long position, long timestampMillis, byte[] chainHash, String kid, byte[] signature, byte[] rowHash) {
    }

    /** Every chain (each tenant's and the pseudo-tenant's) whose head is past its last checkpoint, by tenant. */
    public Uni<List<ChainHead>> unsealedHeads() {
        return pool.query("""
                        SELECT h.tenant, h.seq, h.hash FROM audit_chain_head h
                        WHERE h.seq > coalesce((SELECT max(position) FROM audit_checkpoint c WHERE c.tenant = h.tenant), 0)
                        ORDER BY h.tenant""").execute()
                .map(rows -> {
                    List<ChainHead> heads = new ArrayList<>();
                    rows.forEach(row -> heads.add(new ChainHead(row.getString("tenant"), row.getLong("seq"), row.getBuffer("hash").getBytes())));
                    return heads;
                });
    }

    /** Stores a verified checkpoint signed with key {@code kid}; one already stored for the position is kept. */
    public Uni<Void> store(AuditCheckpoint checkpoint, String kid) {
        return pool.preparedQuery("INSERT INTO audit_checkpoint (tenant, position, timestamp_ms, chain_hash, kid, signature) "
                        + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")
                .execute(Tuple.tuple(List.of(checkpoint.tenant(), checkpoint.position(), checkpoint.timestampMillis(),
                        Buffer.buffer(checkpoint.chainHash()), kid, Buffer.buffer(checkpoint.signature()))))
                .replaceWithVoid();
    }

    /** The tenant's checkpoints from position {@code from} to {@code to}, in order of position. */
    public Uni<List<StoredCheckpoint>> inRange(String tenant, long from, long to) {
        return pool.preparedQuery("SELECT c.position, c.timestamp_ms, c.chain_hash, c.kid, c.signature, e.hash AS row_hash "
                        + "FROM audit_checkpoint c LEFT JOIN audit_event e ON e.tenant = c.tenant AND e.seq = c.position "
                        + "WHERE c.tenant = $1 AND c.position BETWEEN $2 AND $3 ORDER BY c.position")
                .execute(Tuple.of(tenant, from, to))
                .map(rows -> {
                    List<StoredCheckpoint> checkpoints = new ArrayList<>();
                    rows.forEach(row -> checkpoints.add(new StoredCheckpoint(row.getLong("position"), row.getLong("timestamp_ms"),
                            row.getBuffer("chain_hash").getBytes(), row.getString("kid"), row.getBuffer("signature").getBytes(),
                            row.getBuffer("row_hash") == null ? null : row.getBuffer("row_hash").getBytes())));
                    return checkpoints;
                });
    }
}
