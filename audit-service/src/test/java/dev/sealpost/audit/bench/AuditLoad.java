package dev.sealpost.audit.bench;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.testing.GatewayPassports;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.Map;

/**
 * The clients of audit-service/benchmark.sh (not a test). Modes:
 * <ul>
 * <li>{@code ingest BOOTSTRAP JDBC USER PASSWORD EVENTS}: produces EVENTS security events as fast as Kafka takes them, then
 * measures how fast audit-service stores them (the tenant's chain head read every 100 ms, from the first new row to the last).</li>
 * <li>{@code rawsql JDBC USER PASSWORD EVENTS}: the reference: the same rows inserted with JDBC batches of 500 (what the
 * consumer's batches are) into a plain copy of the table, one connection (the consumer is one stream too).</li>
 * <li>{@code seed KEYS_URL ISSUER GATEWAY_SECRET OUT_DIR JDBC USER PASSWORD TOTAL MINE}: a passport for a benchmark user, and
 * TOTAL events of a benchmark tenant of which MINE are that user's (inserted with SQL; kept between runs).</li>
 * </ul>
 */
public final class AuditLoad {


    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "ingest" -> ingest(args[1], args[2], args[3], args[4], Integer.parseInt(args[5]));
            case "rawsql" -> rawSql(args[1], args[2], args[3], Integer.parseInt(args[4]));
            case "seed" -> seed(args);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static SecurityEvent event(int i) {
        SecurityEvent.Actor actor = new SecurityEvent.Actor("http://localhost/realms/bench", "bench-user-" + (i % 1000), "u" + (i % 1000)
                + "@sealpost.test");
        return SecurityEvent.of(SecurityEventType.MAILBOX_ACCESSED, "mail-service").tenant("consumer").actor(actor)
                .sourceIp("198.51.100." + (i % 250)).userAgent("sealpost-cli/0.1").target("count=3 u" + (i % 1000) + "@sealpost.test").build();
    }

    /** Events stored in the benchmark tenant's chain: its head position (cheap; a count(*) over 10 million rows is not). */
    private static long count(Connection db) throws Exception {
        try (ResultSet row = db.createStatement().executeQuery("SELECT coalesce(max(seq), 0) FROM audit_chain_head WHERE tenant = 'consumer'")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void ingest(String bootstrap, String jdbc, String user, String password, int events) throws Exception {
        try (Connection db = DriverManager.getConnection(jdbc, user, password)) {
            long before = count(db);
            long produceStart = System.nanoTime();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < events; i++) {
                    SecurityEvent event = event(i);
                    producer.send(new ProducerRecord<>("security-events", event.partitionKey(), SecurityEventCodec.toJson(event)));
                }
            }
            double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
            long firstAt = 0;
            long lastAt = 0;
            long firstCount = before;
            long seen = before;
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (seen < before + events && System.nanoTime() < deadline) {
                long now = count(db);
                long at = System.nanoTime();
                if (now > before && firstAt == 0) {
                    firstAt = at;
                    firstCount = now;
                }
                if (now > seen) {
                    lastAt = at;
                }
                seen = now;
                Thread.sleep(100); // the benchmark samples the chain head every 100 ms; this is its clock, not a wait for a result
            }
            double seconds = (lastAt - firstAt) / 1e9;
            System.out.printf("ingest %.0f %.1f %d %.0f%n", (seen - firstCount) / seconds, seconds, seen - before, events / produceSeconds);
        }
    }

    private static void rawSql(String jdbc, String user, String password, int events) throws Exception {
        try (Connection db = DriverManager.getConnection(jdbc + (jdbc.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true", user, password)) {
            db.createStatement().execute("DROP TABLE IF EXISTS bench_raw_event");
            db.createStatement().execute("CREATE TABLE bench_raw_event (LIKE audit_event INCLUDING DEFAULTS)");
            db.createStatement().execute("ALTER TABLE bench_raw_event ADD PRIMARY KEY (id, occurred_at)");
            db.createStatement().execute("CREATE INDEX ON bench_raw_event (tenant, actor_subject, occurred_at DESC, id DESC)");
            db.createStatement().execute("CREATE INDEX ON bench_raw_event (tenant, owner_subject, occurred_at DESC, id DESC)");
            db.createStatement().execute("CREATE INDEX ON bench_raw_event (tenant, type, occurred_at DESC, id DESC)");
            db.createStatement().execute("CREATE INDEX ON bench_raw_event (tenant, seq)");
            db.setAutoCommit(false);
            PreparedStatement insert = db.prepareStatement("INSERT INTO bench_raw_event (id, occurred_at, tenant, type, outcome, actor_issuer, "
                    + "actor_subject, actor_address, owner_subject, source_ip, service, payload, seq, prev_hash, hash, source_inet) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::inet) ON CONFLICT DO NOTHING");
            byte[] hash = new byte[32];
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                SecurityEvent event = event(i);
                insert.setObject(1, event.id());
                insert.setTimestamp(2, Timestamp.from(event.time()));
                insert.setString(3, event.tenant());
                insert.setString(4, event.type().name());
                insert.setString(5, event.outcome().name());
                insert.setString(6, event.actor().issuer());
                insert.setString(7, event.actor().subject());
                insert.setString(8, event.actor().address());
                insert.setString(9, null);
                insert.setString(10, event.sourceIp());
                insert.setString(11, event.service());
                insert.setString(12, SecurityEventCodec.toJson(event));
                insert.setLong(13, i + 1);
                insert.setBytes(14, hash);
                insert.setBytes(15, hash);
                insert.setString(16, event.sourceIp());
                insert.addBatch();
                if (i % 500 == 499) {
                    insert.executeBatch();
                    db.commit();
                }
            }
            insert.executeBatch();
            db.commit();
            double seconds = (System.nanoTime() - start) / 1e9;
            db.setAutoCommit(true);
            db.createStatement().execute("DROP TABLE bench_raw_event");
            System.out.printf("rawsql %.0f %.1f%n", events / seconds, seconds);
        }
    }

    private static void seed(String[] args) throws Exception {
        Path dir = Path.of(args[4]);
        long total = Long.parseLong(args[8]);
        long mine = Long.parseLong(args[9]);
        String subject = GatewayPassports.subject(passport(args[1], args[2], args[3]));
        seedEvents(args, subject, total, mine);
        // a fresh passport (five minutes) after the seeding, which may take minutes
        Files.writeString(dir.resolve("reader.passport"), passport(args[1], args[2], args[3]));
    }

    private static String passport(String keys, String issuer, String secret) throws Exception {
        return GatewayPassports.request(keys, secret, issuer, "audit-bench-reader", "audit-service", "audit-bench@sealpost.test");
    }

    private static void seedEvents(String[] args, String subject, long total, long mine) throws Exception {
        try (Connection db = DriverManager.getConnection(args[5], args[6], args[7])) {
            long present;
            try (ResultSet row = db.createStatement().executeQuery("SELECT count(*) FROM audit_event WHERE service = 'audit-benchmark-seed'")) {
                row.next();
                present = row.getLong(1);
            }
            if (present < total) {
                // the events of one tenant over the last 30 days; every (total/mine)-th is the reader's. Straight into the
                // table (outside the hash chain: the query path is what is measured here).
                long every = total / mine;
                String template = SecurityEventCodec.toJson(SecurityEvent.of(SecurityEventType.MAILBOX_ACCESSED, "audit-benchmark-seed")
                        .tenant("consumer").actor(new SecurityEvent.Actor("bench", subject, null)).sourceIp("198.51.100.7")
                        .target("count=1").build());
                try (PreparedStatement fill = db.prepareStatement("WITH s AS (SELECT n, gen_random_uuid() AS id, "
                        + "now() - (n * interval '30 days' / " + total + ") AS t, "
                        + "CASE WHEN n % " + every + " = 0 THEN ?::text ELSE 'bench-' || (n % 50000) END AS subject "
                        + "FROM generate_series(" + (present + 1) + ", " + total + ") AS n) "
                        + "INSERT INTO audit_event (id, occurred_at, tenant, type, outcome, actor_issuer, actor_subject, source_ip, service, payload) "
                        + "SELECT s.id, s.t, 'consumer', 'MAILBOX_ACCESSED', 'SUCCESS', 'bench', s.subject, '198.51.100.7', 'audit-benchmark-seed', "
                        + "jsonb_set(jsonb_set(jsonb_set(?::jsonb, '{id}', to_jsonb(s.id::text)), '{time}', "
                        + "to_jsonb(to_char(s.t AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))), '{actor,subject}', to_jsonb(s.subject)) "
                        + "FROM s")) {
                    fill.setString(1, subject);
                    fill.setString(2, template);
                    fill.execute();
                }
                db.createStatement().execute("ANALYZE audit_event");
            }
            try (ResultSet row = db.createStatement().executeQuery("SELECT count(*), count(*) FILTER (WHERE actor_subject = '" + subject
                    + "') FROM audit_event")) {
                row.next();
                System.out.printf("seeded %d %d%n", row.getLong(1), row.getLong(2));
            }
        }
    }
}
