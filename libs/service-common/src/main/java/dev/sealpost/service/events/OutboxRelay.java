package dev.sealpost.service.events;

import dev.sealpost.service.config.EventsConfig;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
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

    // ids are UUIDv7 (time first), so the pending ids' primary key gives the oldest events first
    private static final String SELECT_BATCH = "SELECT e.id, e.partition_key, e.event_type, e.payload::text AS payload "
            + "FROM outbox_pending p JOIN outbox_event e ON e.id = p.id ORDER BY p.id LIMIT $1 FOR UPDATE OF p SKIP LOCKED";
    // the event row itself is never rewritten (V1_1__outbox_pending.sql says why)
    private static final String MARK_PUBLISHED = "DELETE FROM outbox_pending WHERE id = ANY($1)";

    private final Pool pool;
    private final EventsConfig config;
    private final KafkaProducer<String, String> producer;
    private volatile boolean paused;
    /** Held while a relay run is in progress, so that {@link #pause} can wait for it to end. */
    private final java.util.concurrent.locks.ReentrantLock running = new java.util.concurrent.locks.ReentrantLock();

    public OutboxRelay(Pool pool, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, EventsConfig config) {
        this.pool = pool;
        this.config = config;
        this.producer = SecurityEventProducers.create(kafkaConfig, "outbox-relay");
    }

    @Scheduled(every = "${sealpost.events.relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
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

    /** Publishes one batch; returns how many events it published. */
    public int relayBatch() {
        SqlConnection connection = pool.getConnection().await().atMost(SEND_TIMEOUT);
        try {
            Transaction transaction = connection.begin().await().atMost(SEND_TIMEOUT);
            try {
                List<UUID> ids = new ArrayList<>();
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                for (Row row : connection.preparedQuery(SELECT_BATCH).execute(Tuple.of(config.relayBatchSize()))
                        .await().atMost(SEND_TIMEOUT)) {
                    ProducerRecord<String, String> record = new ProducerRecord<>(config.topic(), row.getString("partition_key"),
                            row.getString("payload"));
                    record.headers().add("event-type", row.getString("event_type").getBytes(StandardCharsets.UTF_8));
                    sends.add(producer.send(record));
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
