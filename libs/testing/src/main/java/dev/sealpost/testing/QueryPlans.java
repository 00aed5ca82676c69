package dev.sealpost.testing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How PostgreSQL plans a statement the way the services run it: prepared and planned generically
 * (mail-service forces generic plans), so that tests can hold a statement to an index scan however
 * large the tables grow.
 */
public final class QueryPlans {

    private QueryPlans() {
    }

    /**
     * The generic plan ({@code EXPLAIN EXECUTE}) of {@code statement} with parameters of
     * {@code parameterTypes} (e.g. {@code "(uuid, uuid)"}), executed with {@code arguments} (e.g.
     * {@code "(now(), 32)"}).
     */
    public static String generic(Statement sql, String parameterTypes, String statement, String arguments) throws SQLException {
        sql.execute("SET plan_cache_mode = force_generic_plan");
        sql.execute("PREPARE planned" + parameterTypes + " AS " + statement);
        StringBuilder plan = new StringBuilder();
        try (ResultSet lines = sql.executeQuery("EXPLAIN EXECUTE planned" + arguments)) {
            while (lines.next()) {
                plan.append(lines.getString(1)).append('\n');
            }
        } finally {
            sql.execute("DEALLOCATE planned");
            sql.execute("RESET plan_cache_mode");
        }
        return plan.toString();
    }
}
