package dev.sealpost.gateway.events;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventRecords;
import dev.sealpost.gateway.config.GatewayConfig;
import dev.sealpost.service.config.EventsConfig;
import dev.sealpost.service.events.SecurityEventProducers;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's security events, straight to Kafka ({@code acks=all}, idempotent producer) through
 * a bounded buffer in memory. The gateway has no outbox: an event that the buffer cannot take makes
 * the gateway refuse the request it belongs to, and while the buffer is full every protected
 * request gets 503 (fail closed) — so no security-relevant action passes unrecorded while Kafka is
 * away. An event leaves the buffer only once Kafka acknowledged it; what a crashed gateway held in
 * memory is lost (at most the buffer's capacity; docs/gateway.md).
 */
@ApplicationScoped
public class GatewayEvents {

    private static final Logger LOG = Logger.getLogger(GatewayEvents.class);
    private static final int BATCH = 500;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final BlockingQueue<SecurityEvent> buffer;
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final Thread sender;
    private volatile boolean running = true;

    public GatewayEvents(GatewayConfig config, EventsConfig events, @Identifier("default-kafka-broker") Map<String, Object> kafka,
            MeterRegistry metrics) {
        this.buffer = new ArrayBlockingQueue<>(config.events().bufferCapacity());
        this.topic = events.topic();
        this.producer = SecurityEventProducers.create(kafka, "gateway-events");
        this.sender = new Thread(this::sendLoop, "gateway-security-events");
        this.sender.setDaemon(true);
        metrics.gauge("sealpost.gateway.events.buffered", buffer, BlockingQueue::size);
        // beside the fill level, so that an alert compares the two instead of a copy of the configured capacity
        metrics.gauge("sealpost.gateway.events.buffer.capacity", buffer, queue -> queue.size() + queue.remainingCapacity());
    }

    void start(@Observes StartupEvent startup) {
        sender.start();
    }

    /** Whether the buffer has room: when it has none, the gateway answers 503 instead of serving. */
    public boolean accepting() {
        return buffer.remainingCapacity() > 0;
    }

    /** Buffers the event for Kafka; false if the buffer is full (the caller then refuses its request). */
    public boolean record(SecurityEvent event) {
        return buffer.offer(event);
    }

    /** How many events wait for Kafka's acknowledgement (for tests and the gauge). */
    public int buffered() {
        return buffer.size();
    }

    /**
     * One thread sends, because the Kafka client may block: it looks at the oldest events, sends
     * them, and removes them from the buffer only after every acknowledgement; on a failure it keeps
     * them and tries again.
     */
    private void sendLoop() {
        List<SecurityEvent> batch = new ArrayList<>(BATCH);
        while (running) {
            try {
                if (batch.isEmpty()) {
                    SecurityEvent first = buffer.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    buffer.drainTo(batch, BATCH - 1);
                }
                List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
                for (SecurityEvent event : batch) {
                    sends.add(producer.send(SecurityEventRecords.of(topic, event)));
                }
                for (Future<RecordMetadata> send : sends) {
                    send.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // the batch stays and is sent again: consumers deduplicate by event id
                LOG.warnf("Kafka did not take %d security events (will retry): %s", batch.size(), e.getClass().getSimpleName());
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        sender.interrupt();
        producer.close(Duration.ofSeconds(5));
    }
}
