package dev.sealpost.outbox;

import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of one statement with PostgreSQL's positional placeholders: {@link #bind} adds a
 * value and returns its {@code $n}, so a statement assembled from parts (a query with optional
 * filters, a write with the outbox's clauses appended) never numbers placeholders by hand and
 * values are always bound, never spliced into the text.
 */
public final class SqlArguments {

    private final List<Object> values = new ArrayList<>();

    /** Adds {@code value} and returns its placeholder, {@code $1} for the first. */
    public String bind(Object value) {
        values.add(value);
        return "$" + values.size();
    }

    /** The placeholder with a PostgreSQL type cast, e.g. {@code $3::uuid[]}. */
    public String bind(Object value, String type) {
        return bind(value) + "::" + type;
    }

    public int size() {
        return values.size();
    }

    public Tuple tuple() {
        return Tuple.from(values);
    }
}
