package dev.sealpost.audit.repository;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.Function;

/**
 * Runs work in one database transaction: the repositories' statements that take the
 * {@link Transaction}, and the events appended to the outbox through it, commit together or not
 * at all. The connection stays inside this package, so a service combines statements without
 * holding SQL or the database client itself.
 */
@ApplicationScoped
public class Transactions {

    private final Pool pool;
    private final Outbox outbox;

    public Transactions(Pool pool, Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /** Commits when {@code work} succeeds, rolls back when it fails. */
    public <T> Uni<T> inTransaction(Function<Transaction, Uni<T>> work) {
        return pool.withTransaction(connection -> work.apply(new Transaction(connection, outbox)));
    }

    /** One open transaction; its statements run one at a time. */
    public static final class Transaction {
        private final SqlClient connection;
        private final Outbox outbox;

        private Transaction(SqlClient connection, Outbox outbox) {
            this.connection = connection;
            this.outbox = outbox;
        }

        /** The event is published (by the outbox relay) only if the transaction commits. */
        public Uni<Void> append(SecurityEvent event) {
            return outbox.append(connection, event);
        }

        SqlClient connection() {
            return connection;
        }
    }
}
