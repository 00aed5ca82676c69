package dev.sealpost.keys.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** SQL of address ownership ({@code address_owner}): the first subject to publish for an address owns it. */
@ApplicationScoped
public class AddressOwnerRepository {

    /** Binds {@code address} to {@code subject} unless it is bound already; returns the owner's subject either way. */
    public Uni<String> bindOrGetOwner(SqlClient transaction, String address, String tenant, String subject) {
        return transaction.preparedQuery("INSERT INTO address_owner (address, tenant, owner_subject, bound_at) VALUES ($1, $2, $3, $4) "
                        + "ON CONFLICT (address) DO NOTHING")
                .execute(Tuple.of(address, tenant, subject, OffsetDateTime.now(ZoneOffset.UTC)))
                .chain(() -> transaction.preparedQuery("SELECT owner_subject FROM address_owner WHERE address = $1").execute(Tuple.of(address)))
                .map(rows -> rows.iterator().next().getString("owner_subject"));
    }
}
