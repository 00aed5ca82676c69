package dev.sealpost.keys.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** SQL of the passphrase-wrapped key backups ({@code key_backup}): one per owner. */
@ApplicationScoped
public class KeyBackupRepository {

    public Uni<Void> upsert(SqlClient transaction, String ownerSubject, String tenant, byte[] blob) {
        return transaction.preparedQuery("INSERT INTO key_backup (owner_subject, tenant, blob, updated_at) VALUES ($1, $2, $3, $4) "
                        + "ON CONFLICT (owner_subject) DO UPDATE SET blob = EXCLUDED.blob, updated_at = EXCLUDED.updated_at")
                .execute(Tuple.of(ownerSubject, tenant, Buffer.buffer(blob), OffsetDateTime.now(ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    public Uni<Optional<byte[]>> find(SqlClient client, String ownerSubject, String tenant) {
        return client.preparedQuery("SELECT blob FROM key_backup WHERE owner_subject = $1 AND tenant = $2")
                .execute(Tuple.of(ownerSubject, tenant))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBuffer("blob").getBytes()));
    }
}
