package dev.sealpost.keys.repository;

import dev.sealpost.crypto.KeyPurpose;
import dev.sealpost.keys.domain.SigningKey;
import dev.sealpost.keys.domain.SigningKeyState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** SQL for {@code signing_key}. Every state change erases the private part when the key stops signing. */
@ApplicationScoped
public class SigningKeyRepository {

    /** The advisory lock that lets one replica at a time step the key lifecycle. */
    private static final long LIFECYCLE_LOCK = 0x5EA1_0057_0001L;

    private static final String COLUMNS = "kid, tenant, purpose, state, public_key, private_key_sealed, kek_id, created_at, "
            + "activated_at, retired_at, destroy_after";

    /** Takes the lifecycle lock for the rest of the transaction if no other replica holds it. */
    public Uni<Boolean> tryLockLifecycle(SqlClient transaction) {
        return transaction.preparedQuery("SELECT pg_try_advisory_xact_lock($1) AS locked").execute(Tuple.of(LIFECYCLE_LOCK))
                .map(rows -> rows.iterator().next().getBoolean("locked"));
    }

    /** Waits for the lifecycle lock and holds it for the rest of the transaction. */
    public Uni<Void> lockLifecycle(SqlClient transaction) {
        return transaction.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LIFECYCLE_LOCK)).replaceWithVoid();
    }

    /** The tenant's published keys for a purpose, locked for the rest of the transaction. */
    public Uni<List<SigningKey>> lockPublished(SqlClient transaction, String tenant, KeyPurpose purpose) {
        return transaction.preparedQuery("SELECT " + COLUMNS + " FROM signing_key WHERE tenant = $1 AND purpose = $2 "
                        + "AND state IN ('PENDING', 'ACTIVE', 'RETIRED') ORDER BY created_at FOR UPDATE")
                .execute(Tuple.of(tenant, purpose.name())).map(SigningKeyRepository::toList);
    }

    public Uni<List<SigningKey>> published(SqlClient client, String tenant, KeyPurpose purpose) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM signing_key WHERE tenant = $1 AND purpose = $2 "
                        + "AND state IN ('PENDING', 'ACTIVE', 'RETIRED') ORDER BY created_at")
                .execute(Tuple.of(tenant, purpose.name())).map(SigningKeyRepository::toList);
    }

    public Uni<List<SigningKey>> allPublished(SqlClient client) {
        return client.query("SELECT " + COLUMNS + " FROM signing_key WHERE state IN ('PENDING', 'ACTIVE', 'RETIRED') "
                + "ORDER BY created_at").execute().map(SigningKeyRepository::toList);
    }

    public Uni<List<SigningKey>> active(SqlClient client) {
        return client.query("SELECT " + COLUMNS + " FROM signing_key WHERE state = 'ACTIVE'").execute()
                .map(SigningKeyRepository::toList);
    }

    public Uni<SigningKey> lockByKid(SqlClient transaction, String tenant, String kid) {
        return transaction.preparedQuery("SELECT " + COLUMNS + " FROM signing_key WHERE tenant = $1 AND kid = $2 FOR UPDATE")
                .execute(Tuple.of(tenant, kid))
                .map(rows -> rows.size() == 0 ? null : toKey(rows.iterator().next()));
    }

    public Uni<Void> insertPending(SqlClient transaction, String kid, String tenant, KeyPurpose purpose, String algorithm,
            byte[] publicKey, byte[] sealedPrivateKey, String kekId, Instant now) {
        return transaction.preparedQuery("INSERT INTO signing_key (kid, tenant, purpose, algorithm, state, public_key, "
                        + "private_key_sealed, kek_id, created_at) VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8)")
                .execute(Tuple.tuple(List.of(kid, tenant, purpose.name(), algorithm, io.vertx.core.buffer.Buffer.buffer(publicKey),
                        io.vertx.core.buffer.Buffer.buffer(sealedPrivateKey), kekId, at(now))))
                .replaceWithVoid();
    }

    public Uni<Void> activate(SqlClient transaction, String kid, Instant now) {
        return update(transaction, "UPDATE signing_key SET state = 'ACTIVE', activated_at = $2 WHERE kid = $1 AND state = 'PENDING'",
                Tuple.of(kid, at(now)));
    }

    public Uni<Void> retire(SqlClient transaction, String kid, Instant now, Instant destroyAfter) {
        return update(transaction, "UPDATE signing_key SET state = 'RETIRED', retired_at = $2, destroy_after = $3, "
                + "private_key_sealed = NULL, kek_id = NULL WHERE kid = $1 AND state = 'ACTIVE'", Tuple.of(kid, at(now), at(destroyAfter)));
    }

    public Uni<Void> destroy(SqlClient transaction, String kid, Instant now) {
        return update(transaction, "UPDATE signing_key SET state = 'DESTROYED', destroyed_at = $2, private_key_sealed = NULL, "
                + "kek_id = NULL WHERE kid = $1 AND state = 'RETIRED'", Tuple.of(kid, at(now)));
    }

    public Uni<Void> revoke(SqlClient transaction, String kid, Instant now) {
        return update(transaction, "UPDATE signing_key SET state = 'REVOKED', revoked_at = $2, private_key_sealed = NULL, "
                + "kek_id = NULL WHERE kid = $1 AND state IN ('PENDING', 'ACTIVE', 'RETIRED')", Tuple.of(kid, at(now)));
    }

    public Uni<Void> rewrap(SqlClient transaction, String kid, byte[] sealedPrivateKey, String kekId) {
        return update(transaction, "UPDATE signing_key SET private_key_sealed = $2, kek_id = $3 WHERE kid = $1 "
                + "AND private_key_sealed IS NOT NULL", Tuple.of(kid, io.vertx.core.buffer.Buffer.buffer(sealedPrivateKey), kekId));
    }

    private static Uni<Void> update(SqlClient transaction, String sql, Tuple arguments) {
        return transaction.preparedQuery(sql).execute(arguments).map(rows -> {
            if (rows.rowCount() != 1) {
                // the row was locked above; a mismatch means a bug, and the transaction must not commit
                throw new IllegalStateException("signing key state changed underneath a locked transaction");
            }
            return null;
        });
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static List<SigningKey> toList(RowSet<Row> rows) {
        List<SigningKey> keys = new ArrayList<>(rows.size());
        rows.forEach(row -> keys.add(toKey(row)));
        return keys;
    }

    private static SigningKey toKey(Row row) {
        var sealed = row.getBuffer("private_key_sealed");
        return new SigningKey(row.getString("kid"), row.getString("tenant"), KeyPurpose.valueOf(row.getString("purpose")),
                SigningKeyState.valueOf(row.getString("state")), row.getBuffer("public_key").getBytes(),
                sealed == null ? null : sealed.getBytes(), row.getString("kek_id"), instant(row, "created_at"),
                instant(row, "activated_at"), instant(row, "retired_at"), instant(row, "destroy_after"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
