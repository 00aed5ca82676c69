package dev.sealpost.service.rest;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells a failure of a dependency (PostgreSQL down, refusing connections, restarting, out of connections,
 * or not answering in time) from a fault of ours. The first is answered 503 with {@code Retry-After}: the
 * request was fine and may succeed later; only the second is a 500.
 */
public final class DependencyFailures {

    /** SQLSTATEs that mean "not now": the database or this connection is going away, or will not take more. */
    private static final Set<String> UNAVAILABLE_STATES = Set.of(
            "57P01", // admin_shutdown (terminated backend, fast shutdown)
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now (starting up, shutting down)
            "53300", // too_many_connections
            "55000"); // object_not_in_prerequisite_state: "database … is not currently accepting connections"

    private DependencyFailures() {
    }

    /** Whether {@code failure}, or anything it wraps, says a dependency is unavailable. */
    public static boolean unavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof ClosedConnectionException || cause instanceof TimeoutException
                    || cause instanceof io.smallrye.mutiny.TimeoutException) {
                return true;
            }
            if (cause instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || UNAVAILABLE_STATES.contains(pg.getSqlState()))) {
                return true;
            }
            // the Vert.x pool's wait for a free connection ("Timeout waiting for connection") and Vert.x's
            // stackless timeouts are VertxExceptions, not TimeoutExceptions
            String message = cause.getMessage();
            if (cause instanceof io.vertx.core.VertxException && message != null && message.startsWith("Timeout")) {
                return true;
            }
        }
        return false;
    }
}
