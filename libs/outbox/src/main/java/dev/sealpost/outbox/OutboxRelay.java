package dev.sealpost.outbox;

import dev.sealpost.events.SecurityEventRecords;
import dev.sealpost.service.config.EventsConfig;
import dev.sealpost.service.events.SecurityEventProducers;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Publishes committed outbox events to Kafka, oldest first, at least once.
 *
 * <p>One relay transaction locks a batch of pending event ids ({@code FOR UPDATE SKIP LOCKED}, so
 * replicas share the work instead of racing), sends them with an idempotent {@code acks=all}
 * producer, waits for every acknowledgement, and only then deletes their pending ids. If the process dies
 * between the send and the commit, the ids stay pending and are sent again: consumers
 * deduplicate by event id. Runs on a worker thread (the Kafka client blocks).
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    /** A batch is held locked and in memory until Kafka has acknowledged all of it. */
    private static final int MAX_BATCH_SIZE = 10_000;
    // the event row itself is never rewritten (V1_1__outbox_pending.sql says why)
    private static final String MARK_PUBLISHED = "DELETE FROM outbox_pending WHERE id = ANY($1)";

    private final Pool pool;
    private final EventsConfig config;
    private final String selectBatch;
    private final KafkaProducer<String, String> producer;
    private volatile boolean paused;
    /** Held while a relay run is in progress, so that {@link #pause} can wait for it to end. */
    private final java.util.concurrent.locks.ReentrantLock running = new java.util.concurrent.locks.ReentrantLock();

    public OutboxRelay(Pool pool, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, EventsConfig config) {
        this.pool = pool;
        this.config = config;
        if (config.relayBatchSize() < 1 || config.relayBatchSize() > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("sealpost.events.relay-batch-size must be 1.." + MAX_BATCH_SIZE);
        }
        this.selectBatch = selectBatch(config.relayBatchSize());
        this.producer = SecurityEventProducers.create(kafkaConfig, "outbox-relay");
    }

    @Scheduled(every = "${sealpost.events.relay-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void relayPending() {
        running.lock();
        try {
            int published;
            do {
                if (paused) {
                    return;
                }
                published = relayBatch();
            } while (published == config.relayBatchSize());
        } catch (RuntimeException e) {
            // the ids stay pending and the next run retries them
            LOG.warnf("Outbox relay could not publish security events (will retry): %s", e.getClass().getSimpleName());
        } finally {
            running.unlock();
        }
    }

    /**
     * The statement that locks and reads a batch of pending events, oldest first (ids are UUIDv7,
     * time first). The pending ids are taken first, on their own, and only those events are read:
     * joined in one step, a generic plan (mail-service plans every statement generically) once
     * walked the whole outbox of published events — an hour of them — probing the pending ids for
     * each, ~0.5 s a batch, and fell behind the sends. The size is a literal so that the plan knows
     * how few rows it is for.
     */
    public static String selectBatch(int size) {
        return "WITH batch AS MATERIALIZED (SELECT id FROM outbox_pending ORDER BY id LIMIT " + size + " FOR UPDATE SKIP LOCKED) "
                + "SELECT e.id, e.partition_key, e.event_type, e.payload::text AS payload "
                + "FROM batch b JOIN outbox_event e ON e.id = b.id ORDER BY e.id";
    }

    /** Publishes one batch; returns how many events it published. */
    public int relayBatch() {
        SqlConnection connection = pool.getConnection().await().atMost(SEND_TIMEOUT);
        try {
            Transaction transaction = connection.begin().await().atMost(SEND_TIMEOUT);
            try {
                List<UUID> ids = new ArrayList<>();
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                for (Row row : connection.preparedQuery(selectBatch).execute()
                        .await().atMost(SEND_TIMEOUT)) {
                    sends.add(producer.send(SecurityEventRecords.of(config.topic(), row.getString("partition_key"),
                            row.getString("event_type"), row.getString("payload"))));
                    ids.add(row.getUUID("id"));
                }
                for (Future<RecordMetadata> send : sends) {
                    send.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                if (!ids.isEmpty()) {
                    connection.preparedQuery(MARK_PUBLISHED).execute(Tuple.of(ids.toArray(new UUID[0]))).await().atMost(SEND_TIMEOUT);
                }
                transaction.commit().await().atMost(SEND_TIMEOUT);
                return ids.size();
            } catch (Exception e) {
                transaction.rollback().await().atMost(SEND_TIMEOUT);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
            }
        } finally {
            connection.close().await().atMost(SEND_TIMEOUT);
        }
    }

    /**
     * Stops and resumes relaying (for operators draining a node, and for tests of the crash window).
     * Pausing returns only once a run in progress has finished, so nothing is published after it.
     */
    public void pause(boolean paused) {
        this.paused = paused;
        if (paused) {
            running.lock();
            running.unlock();
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
