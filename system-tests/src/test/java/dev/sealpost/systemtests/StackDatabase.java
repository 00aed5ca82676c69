package dev.sealpost.systemtests;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** The local stack's PostgreSQL as its superuser sees it: every database, every table, every row. */
final class StackDatabase {

    private final int port;
    private final String superuserPassword;

    StackDatabase(int port, String superuserPassword) {
        this.port = port;
        this.superuserPassword = superuserPassword;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", superuserPassword);
    }

    /** A server setting as {@code SHOW} prints it, e.g. "4GB". */
    String setting(String name) throws SQLException {
        try (Connection connection = connect("postgres");
                PreparedStatement statement = connection.prepareStatement("SELECT current_setting(?)")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    /**
     * Where any needle occurs in any column of any row of any table of any database, as text or as
     * the hex a bytea column is printed in (what pg_dump would show). Empty when nowhere.
     */
    List<String> occurrences(List<String> needles) throws SQLException {
        List<String> forms = new ArrayList<>();
        for (String needle : needles) {
            forms.add(needle);
            forms.add(HexFormat.of().formatHex(needle.getBytes(StandardCharsets.UTF_8)));
        }
        List<String> found = new ArrayList<>();
        List<String> databases = new ArrayList<>();
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT datname FROM pg_database WHERE NOT datistemplate")) {
            while (rows.next()) {
                databases.add(rows.getString(1));
            }
        }
        for (String database : databases) {
            try (Connection connection = connect(database)) {
                connection.setAutoCommit(false); // lets the driver stream with a fetch size
                List<String> tables = new ArrayList<>();
                try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(
                        "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables "
                                + "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')")) {
                    while (rows.next()) {
                        tables.add(rows.getString(1));
                    }
                }
                for (String table : tables) {
                    try (Statement statement = connection.createStatement()) {
                        statement.setFetchSize(500);
                        try (ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
                            int columns = rows.getMetaData().getColumnCount();
                            while (rows.next()) {
                                for (int column = 1; column <= columns; column++) {
                                    String value = rows.getString(column);
                                    if (value == null) {
                                        continue;
                                    }
                                    String lower = value.toLowerCase(Locale.ROOT);
                                    for (String form : forms) {
                                        if (value.contains(form) || lower.contains(form.toLowerCase(Locale.ROOT))) {
                                            found.add(database + "." + table + "." + rows.getMetaData().getColumnName(column));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                connection.rollback();
            }
        }
        return found;
    }

    /** An attacker with database access: bob's latest bundle becomes another, with a matching fingerprint column. */
    record Bundle(long version, byte[] bundle, byte[] fingerprint) {
    }

    Bundle latestBundle(String address) throws SQLException {
        try (Connection connection = connect("sealpost_keys"); PreparedStatement select = connection.prepareStatement(
                "SELECT version, bundle, fingerprint FROM key_bundle WHERE address = ? ORDER BY version DESC LIMIT 1")) {
            select.setString(1, address);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("no bundle for " + address);
                }
                return new Bundle(row.getLong(1), row.getBytes(2), row.getBytes(3));
            }
        }
    }

    /**
     * The directory's tables refuse changes with a trigger; a superuser gets past it by turning
     * triggers off for the session — which is exactly why the clients check the log themselves.
     */
    void replaceBundle(String address, Bundle replacement) throws SQLException {
        try (Connection connection = connect("sealpost_keys"); Statement bypass = connection.createStatement();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE key_bundle SET bundle = ?, fingerprint = ? WHERE address = ? AND version = ?")) {
            bypass.execute("SET session_replication_role = replica");
            update.setBytes(1, replacement.bundle());
            update.setBytes(2, replacement.fingerprint());
            update.setString(3, address);
            update.setLong(4, replacement.version());
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("bundle " + address + " v" + replacement.version() + " not found");
            }
        }
    }
}
