package dev.sealpost.testing;

import java.util.Map;

/**
 * Quarkus test resource giving a service a fresh database on the real embedded PostgreSQL and the
 * real in-JVM Kafka broker. Use with {@code @WithTestResource(value = PostgresAndKafkaResource.class,
 * initArgs = @ResourceArg(name = "database", value = "mail"))}; the Kafka arguments are {@link KafkaResource}'s.
 */
public class PostgresAndKafkaResource extends KafkaResource {

    private String databasePrefix = "sealpost";

    @Override
    public void init(Map<String, String> initArgs) {
        super.init(initArgs);
        databasePrefix = initArgs.getOrDefault("database", databasePrefix);
    }

    @Override
    public Map<String, String> start() {
        DatabaseCoordinates database = SealpostInfrastructure.freshDatabase(databasePrefix);
        Map<String, String> config = super.start();
        config.put("quarkus.datasource.jdbc.url", database.jdbcUrl());
        config.put("quarkus.datasource.reactive.url", database.reactiveUrl());
        config.put("quarkus.datasource.username", database.username());
        config.put("quarkus.datasource.password", database.password());
        return config;
    }
}
