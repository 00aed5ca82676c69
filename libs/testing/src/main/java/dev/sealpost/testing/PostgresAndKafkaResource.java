package dev.sealpost.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Quarkus test resource giving a service a fresh database on the real embedded PostgreSQL and the
 * real in-JVM Kafka broker. Use with {@code @WithTestResource(value = PostgresAndKafkaResource.class,
 * initArgs = @ResourceArg(name = "database", value = "mail"))}.
 */
public class PostgresAndKafkaResource implements QuarkusTestResourceLifecycleManager {

    /** Init argument {@code kafka=unreachable}: point the service at a port where no broker listens. */
    public static final String KAFKA_UNREACHABLE = "unreachable";

    private String databasePrefix = "sealpost";
    private boolean kafkaUnreachable;
    private String passportAudience;

    @Override
    public void init(Map<String, String> initArgs) {
        databasePrefix = initArgs.getOrDefault("database", databasePrefix);
        kafkaUnreachable = KAFKA_UNREACHABLE.equals(initArgs.get("kafka"));
        // init argument passportAudience=mail-service: trust TestPassportIssuer's tenants for that audience
        passportAudience = initArgs.get("passportAudience");
    }

    @Override
    public Map<String, String> start() {
        DatabaseCoordinates database = SealpostInfrastructure.freshDatabase(databasePrefix);
        String bootstrapServers = kafkaUnreachable
                ? "127.0.0.1:" + LoopbackPorts.findFree()
                : SealpostInfrastructure.kafka().bootstrapServers();
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.reactive.url", database.reactiveUrl(),
                "quarkus.datasource.username", database.username(),
                "quarkus.datasource.password", database.password(),
                "kafka.bootstrap.servers", bootstrapServers));
        if (passportAudience != null) {
            config.putAll(TestPassportIssuer.get().config(passportAudience));
        }
        return config;
    }

    @Override
    public void stop() {
        // PostgreSQL and Kafka live for the whole JVM; see SealpostInfrastructure
    }
}
