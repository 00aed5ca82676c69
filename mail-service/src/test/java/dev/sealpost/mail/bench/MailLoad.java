package dev.sealpost.mail.bench;

import dev.sealpost.crypto.Envelope;
import dev.sealpost.crypto.EnvelopeContent;
import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.events.UuidV7;

import dev.sealpost.testing.GatewayPassports;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Helpers for mail-service/benchmark.sh, against the local stack.
 * <ul>
 * <li>{@code setup KEYS_URL MAIL_URL ISSUER GATEWAY_SECRET DIR JDBC_URL DB_USER DB_PASSWORD RUN}: passports for a
 * sender, a recipient and a reader (through key-service), their mailboxes, a sealed 4 KiB message in DIR/message.spen,
 * and 100,000 messages in the reader's inbox (inserted with SQL, like 100,000 deliveries).</li>
 * <li>{@code rawsql JDBC_URL DB_USER DB_PASSWORD FILE SECONDS CONNECTIONS}: the reference rate — the same rows a send
 * writes (two message copies, two quota updates, two outbox events with the payloads of a send the service made), one
 * transaction per message, straight JDBC.</li>
 * <li>{@code rate MAIL_URL PASSPORT FILE RECIPIENT PER_SECOND SECONDS [REQUESTS_FILE]}: sends at a fixed rate whatever the answers'
 * speed (open loop, unlike wrk; 64 connections, requests due while all are busy wait for one), after a warm-up at the same rate
 * as long as the measured window; each latency is counted from the moment its request was due,
 * so a stall shows as the latency of every request that waited behind it; REQUESTS_FILE gets each measured request's
 * due time and latency.</li>
 * </ul>
 */
public final class MailLoad {


    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "setup" -> setup(args);
            case "rate" -> fixedRate(args);
            default -> rawSql(args);
        }
    }

    /** The fixed-rate client's connections: like a gateway's pool, far more than 1,000 sends a second need at 10 ms each. */
    private static final int CONNECTIONS = 64;

    /**
     * On Vert.x's HTTP client (one event loop), not java.net.http: that client took so much of the two
     * cores it shares with the service that it, not the service, set the rate (585-609/s against the
     * 1,000/s wrk reaches with 64 connections on the same stack).
     */
    private static void fixedRate(String[] args) throws Exception {
        URI uri = URI.create(args[1] + "/api/mail/messages?to=" + args[4]);
        String passport = args[2];
        Buffer envelope = Buffer.buffer(Files.readAllBytes(Path.of(args[3])));
        int perSecond = Integer.parseInt(args[5]);
        int seconds = Integer.parseInt(args[6]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        // requests due while all connections are busy wait in the client's queue: that wait is part of their latency
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort())
                .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(CONNECTIONS));
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI(uri.getRawPath() + "?" + uri.getRawQuery())
                .putHeader("Authorization", "Bearer " + passport).putHeader("Content-Type", "application/octet-stream")
                .setIdleTimeout(30_000);
        long intervalNanos = 1_000_000_000L / perSecond;
        // The warm-up is as long as the measured window: this client is a new JVM, and for its first ~10 s at the full
        // rate its own C2 compiler took 0.2-0.5 of a core (perf; the client 0.5-1.6 cores in all, the
        // machine without an idle moment), which built a backlog of sends that a 10-s warm-up left to the measured
        // window to drain (one run: p50 352 ms, the first measured second's worst 1.9 s, falling to 53 ms by the 15th).
        // The client's JIT is not the service's latency; what follows it at the same rate is.
        int warmUp = perSecond * seconds;
        int total = warmUp + perSecond * seconds;
        long[] latencies = new long[total];
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(total);
        long start = System.nanoTime();
        Instant startedAt = Instant.now();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            http.request(request).compose(sending -> sending.send(envelope)).compose(response -> response.body().map(response.statusCode()))
                    .onComplete(answer -> {
                        latencies[index] = System.nanoTime() - due;
                        if (answer.failed() || answer.result() != 201) {
                            failed.incrementAndGet();
                        }
                        finished.countDown();
                    });
        }
        long sentIn = System.nanoTime() - start;
        finished.await();
        long answeredIn = System.nanoTime() - start;
        // each measured second's worst latency, on stderr: a stall shows as one bad second, a slow service as all;
        // with the wall-clock time it began, to be laid beside the services' and the database's logs
        for (int second = 0; second < seconds; second++) {
            long worst = 0;
            for (int i = warmUp + second * perSecond; i < warmUp + (second + 1) * perSecond; i++) {
                worst = Math.max(worst, latencies[i]);
            }
            Instant began = startedAt.plusNanos((long) (warmUp + second * perSecond) * intervalNanos);
            System.err.printf("second %2d (%s): worst %8.1f ms%n", second + 1, began, worst / 1e6);
        }
        if (args.length > 7) {
            // each measured request: when it was due (ms into the measured window) and its latency (ms) —
            // a stall that recurs every second shows here, not in the per-second worst
            StringBuilder lines = new StringBuilder();
            for (int i = warmUp; i < total; i++) {
                lines.append(String.format("%.1f %.2f%n", (i - warmUp) * intervalNanos / 1e6, latencies[i] / 1e6));
            }
            Files.writeString(Path.of(args[7]), lines);
        }
        long[] measured = Arrays.copyOfRange(latencies, warmUp, total);
        Arrays.sort(measured);
        // the rate is of answers: requests issued at the due rate and not yet answered do not count
        System.out.printf("rate %.2f %.2f %.2f %d%n", (total * 1e9) / Math.max(sentIn, answeredIn), measured[measured.length / 2] / 1e6,
                measured[(int) (measured.length * 0.99)] / 1e6, failed.get());
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static void setup(String[] args) throws Exception {
        String keys = args[1];
        String mail = args[2];
        String issuer = args[3];
        String secret = args[4];
        Path dir = Path.of(args[5]);
        String run = args[9];
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        // the reader and its 100,000-message inbox are made once per stack and reused: refilling them every
        // run would add 400 MB to the database (and a checkpoint's worth of WAL) before each measurement
        String[] users = {"sender-" + run, "recipient-" + run, "reader-fixed"};
        for (String user : users) {
            String address = "bench-" + user + "@sealpost.test";
            String token = GatewayPassports.request(keys, secret, issuer, "bench-" + user, "mail-service", address);
            Files.writeString(dir.resolve(user.substring(0, user.indexOf('-')) + ".passport"), token);
            HttpResponse<String> quota = http.send(HttpRequest.newBuilder(URI.create(mail + "/api/mail/quota"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            if (quota.statusCode() != 200) {
                throw new IllegalStateException("mailbox: " + quota.statusCode() + " " + quota.body());
            }
        }
        byte[] body = new byte[4096];
        new java.util.Random(1).nextBytes(body);
        byte[] envelope = Envelope.seal(EnvelopeContent.builder().subject("benchmark").body(body).build(),
                dev.sealpost.crypto.Addressing.to(new dev.sealpost.crypto.Contact("load@sealpost.test", PrivateKeys.generate().publicBundle())),
                new dev.sealpost.crypto.Mailbox("bench@sealpost.test", PrivateKeys.generate())).get(0).envelope();
        Files.write(dir.resolve("message.spen"), envelope);
        Files.writeString(dir.resolve("recipient.address"), "bench-" + users[1] + "@sealpost.test");
        try (Connection db = DriverManager.getConnection(args[6], args[7], args[8])) {
            // a run of the whole script sends ~125,000 messages from one sender to one recipient, more than
            // the default quota of 1 GiB holds: the benchmark measures sending, not the quota's refusals
            try (PreparedStatement quota = db.prepareStatement("UPDATE mailbox SET quota_bytes = 9000000000000 WHERE address = ANY(?)")) {
                quota.setArray(1, db.createArrayOf("varchar", new String[] {"bench-" + users[0] + "@sealpost.test",
                        "bench-" + users[1] + "@sealpost.test"}));
                quota.executeUpdate();
            }
            String reader = "bench-" + users[2] + "@sealpost.test";
            UUID mailbox;
            UUID inbox;
            try (PreparedStatement query = db.prepareStatement("SELECT m.id, f.id FROM mailbox m JOIN folder f ON f.mailbox_id = m.id "
                    + "AND f.kind = 'INBOX' WHERE m.address = ?")) {
                query.setString(1, reader);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    mailbox = (UUID) row.getObject(1);
                    inbox = (UUID) row.getObject(2);
                }
            }
            long present;
            try (PreparedStatement count = db.prepareStatement("SELECT count(*) FROM message WHERE folder_id = ?")) {
                count.setObject(1, inbox);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    present = row.getLong(1);
                }
            }
            // one envelope for all of them, as a send stores one envelope for all its copies
            try (PreparedStatement fill = db.prepareStatement("WITH envelope AS (INSERT INTO sealed_envelope (id, copies, bytes) "
                    + "VALUES (gen_random_uuid(), ?, ?) RETURNING id) INSERT INTO message (id, mailbox_id, folder_id, envelope_id, size_bytes, "
                    + "sender_address, recipient_addresses, sent_at, received_at) SELECT gen_random_uuid(), ?, ?, envelope.id, ?, "
                    + "'someone@sealpost.test', ARRAY[?]::varchar[], now() - make_interval(secs => g), now() - make_interval(secs => g) "
                    + "FROM envelope, generate_series(1, ?) g")) {
                long missing = 100_000 - present;
                fill.setLong(1, missing);
                fill.setBytes(2, envelope);
                fill.setObject(3, mailbox);
                fill.setObject(4, inbox);
                fill.setLong(5, envelope.length);
                fill.setString(6, reader);
                fill.setLong(7, missing);
                if (present < 100_000) {
                    fill.executeUpdate();
                    // as pgbench does after loading: otherwise autovacuum works through the 100,000 new rows (and
                    // their visibility map) during the first measured run after a stack start
                    db.createStatement().execute("VACUUM (ANALYZE) message");
                }
            }
        }
        System.out.println("prepared " + dir);
    }

    private static void rawSql(String[] args) throws Exception {
        byte[] envelope = Files.readAllBytes(Path.of(args[4]));
        int seconds = Integer.parseInt(args[5]);
        int connections = Integer.parseInt(args[6]);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (Connection setup = DriverManager.getConnection(args[1], args[2], args[3])) {
            // two mailboxes with an inbox and a sent folder, like a sender and a recipient
            for (String who : List.of("a", "b")) {
                UUID id = UUID.randomUUID();
                setup.createStatement().execute("INSERT INTO mailbox (id, tenant, owner_subject, address, quota_bytes, created_at) VALUES ('"
                        + id + "', 'consumer', 'raw-" + who + run + "', 'raw-" + who + run + "@sealpost.test', 9000000000000, now())");
                for (String kind : List.of("INBOX", "SENT")) {
                    setup.createStatement().execute("INSERT INTO folder (id, mailbox_id, name, kind) VALUES (gen_random_uuid(), '" + id
                            + "', '" + kind.toLowerCase() + "', '" + kind + "')");
                }
            }
        }
        // the events a send of the service wrote (the wrk run before this one): the same rows means the same payloads
        List<String[]> eventsOfASend = new ArrayList<>();
        try (Connection read = DriverManager.getConnection(args[1], args[2], args[3])) {
            for (String type : List.of("MESSAGE_SENT", "MESSAGE_RECEIVED")) {
                try (ResultSet row = read.createStatement().executeQuery("SELECT payload::text FROM outbox_event WHERE event_type = '"
                        + type + "' ORDER BY created_at DESC LIMIT 1")) {
                    if (!row.next()) {
                        throw new IllegalStateException("no " + type + " event yet: run the send benchmark first");
                    }
                    eventsOfASend.add(new String[] {type, row.getString(1)});
                }
            }
        }
        for (int c = 0; c < connections; c++) {
            // a stripe per connection, as the service lends a stripe per send in flight (UsageStripes)
            short stripe = (short) (c % 32);
            Thread thread = new Thread(() -> {
                try (Connection db = DriverManager.getConnection(args[1], args[2], args[3])) {
                    db.setAutoCommit(false);
                    UUID sender;
                    UUID recipient;
                    UUID sent;
                    UUID inbox;
                    try (ResultSet row = db.createStatement().executeQuery("SELECT (SELECT id FROM mailbox WHERE address = 'raw-a" + run
                            + "@sealpost.test'), (SELECT id FROM mailbox WHERE address = 'raw-b" + run + "@sealpost.test')")) {
                        row.next();
                        sender = (UUID) row.getObject(1);
                        recipient = (UUID) row.getObject(2);
                    }
                    try (ResultSet row = db.createStatement().executeQuery("SELECT (SELECT id FROM folder WHERE mailbox_id = '" + sender
                            + "' AND kind = 'SENT'), (SELECT id FROM folder WHERE mailbox_id = '" + recipient + "' AND kind = 'INBOX')")) {
                        row.next();
                        sent = (UUID) row.getObject(1);
                        inbox = (UUID) row.getObject(2);
                    }
                    db.commit();
                    PreparedStatement stored = db.prepareStatement("INSERT INTO sealed_envelope (id, copies, bytes) VALUES (?, 2, ?)");
                    PreparedStatement message = db.prepareStatement("INSERT INTO message (id, mailbox_id, folder_id, envelope_id, size_bytes, "
                            + "sender_address, recipient_addresses, sent_at, received_at) VALUES (?, ?, ?, ?, ?, 'raw@sealpost.test', "
                            + "ARRAY['raw-b@sealpost.test']::varchar[], now(), now())");
                    // the shape of a send: the envelope once, copies, events and usage (on this connection's stripe of each mailbox) batched
                    PreparedStatement quota = db.prepareStatement("INSERT INTO mailbox_usage (mailbox_id, stripe, bytes) "
                            + "VALUES (?, ?, ?) ON CONFLICT (mailbox_id, stripe) DO UPDATE SET bytes = mailbox_usage.bytes + excluded.bytes");
                    // the event rows as the service writes them but without their (small) pending ids: as if already
                    // published, so the relay, Kafka and audit-service do no work for the reference — the stricter one
                    PreparedStatement event = db.prepareStatement("INSERT INTO outbox_event (id, partition_key, event_type, payload, "
                            + "created_at) VALUES (?, 'consumer|raw', ?, ?::jsonb, now())");
                    while (running.get()) {
                        long start = System.nanoTime();
                        // time-ordered ids like the service's (UuidV7): random ones would scatter the reference's
                        // index inserts over the whole key range and make it slower than the rows it stands for
                        UUID envelopeId = UuidV7.next();
                        stored.setObject(1, envelopeId);
                        stored.setBytes(2, envelope);
                        stored.executeUpdate();
                        for (UUID[] copy : new UUID[][] {{sender, sent}, {recipient, inbox}}) {
                            message.setObject(1, UuidV7.next());
                            message.setObject(2, copy[0]);
                            message.setObject(3, copy[1]);
                            message.setObject(4, envelopeId);
                            message.setLong(5, envelope.length);
                            message.addBatch();
                            String[] payload = copy[0] == sender ? eventsOfASend.get(0) : eventsOfASend.get(1);
                            event.setObject(1, UuidV7.next());
                            event.setString(2, payload[0]);
                            event.setString(3, payload[1]);
                            event.addBatch();
                        }
                        message.executeBatch();
                        event.executeBatch();
                        for (UUID mailbox : sender.compareTo(recipient) < 0 ? new UUID[] {sender, recipient} : new UUID[] {recipient, sender}) {
                            quota.setObject(1, mailbox);
                            quota.setShort(2, stripe);
                            quota.setLong(3, envelope.length);
                            quota.addBatch();
                        }
                        quota.executeBatch();
                        db.commit();
                        latencies.add(System.nanoTime() - start);
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        Thread.sleep(seconds * 1000L / 2); // warm-up half
        long warm = done.get();
        int warmLatencies = latencies.size();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long measured = done.get() - warm;
        double elapsed = (System.nanoTime() - start) / 1e9;
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        List<Long> window = new ArrayList<>(latencies.subList(warmLatencies, latencies.size()));
        window.sort(Long::compare);
        System.out.printf("rawsql %.2f %.2f %.2f%n", measured / elapsed, window.get(window.size() / 2) / 1e6,
                window.get((int) (window.size() * 0.99)) / 1e6);
    }
}
