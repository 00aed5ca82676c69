package dev.sealpost.testing;

/** Where a test database lives and how to log in to it. */
public record DatabaseCoordinates(String host, int port, String database, String username, String password) {

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String reactiveUrl() {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        // never print the password
        return "DatabaseCoordinates[" + reactiveUrl() + ", user=" + username + "]";
    }
}
