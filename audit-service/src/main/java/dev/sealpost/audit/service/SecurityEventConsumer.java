package dev.sealpost.audit.service;

import dev.sealpost.audit.repository.AuditStore;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Consumes {@code security-events} in batches. Undecodable records go to {@code security-events-dlq}
 * with a reason header; the rest are stored idempotently; only then is the batch acknowledged, and
 * the throttled commit strategy commits offsets of acknowledged records only — so a crash anywhere
 * replays, never loses. Database failures are retried with back-off until they succeed: a
 * transient outage delays events, it never dead-letters them.
 */
@ApplicationScoped
public class SecurityEventConsumer {

    public static final String REASON_HEADER = "dead-letter-reason";
    private static final Logger LOG = Logger.getLogger(SecurityEventConsumer.class);

    private final AuditStore store;
    private final Detections detections;
    private final MutinyEmitter<String> deadLetters;
    private final AtomicReference<Instant> lastProgress = new AtomicReference<>(Instant.now());
    private final AtomicReference<Instant> batchWaitingSince = new AtomicReference<>();

    public SecurityEventConsumer(AuditStore store, Detections detections, @Channel("security-events-dlq") MutinyEmitter<String> deadLetters) {
        this.store = store;
        this.detections = detections;
        this.deadLetters = deadLetters;
    }

    @Incoming("security-events")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<SecurityEvent> events = new ArrayList<>();
        List<Uni<Void>> dead = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch.getRecords()) {
            try {
                if (record.getPayload() == null) {
                    throw new IllegalArgumentException("empty record");
                }
                events.add(SecurityEventCodec.fromJson(record.getPayload()));
            } catch (IllegalArgumentException e) {
                dead.add(deadLetter(record, e.getCause() == null ? e.getMessage() : "not a security event: "
                        + e.getCause().getClass().getSimpleName()));
            }
        }
        batchWaitingSince.compareAndSet(null, Instant.now());
        return Uni.join().all(dead.isEmpty() ? List.of(Uni.createFrom().voidItem()) : dead).andFailFast()
                .chain(() -> store.store(events)
                        .onFailure().invoke(failure -> LOG.warnf("storing %d security events failed, retrying: %s", events.size(),
                                failure.getClass().getSimpleName()))
                        .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).indefinitely())
                // detections are retried for about a minute, then given up for this batch: an alert must not stop the record
                .chain(() -> detections.inspect(events)
                        .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(15)
                        .onFailure().invoke(failure -> LOG.errorf("detections skipped for a batch of %d events: %s", events.size(),
                                failure.getClass().getSimpleName()))
                        .onFailure().recoverWithNull())
                .chain(() -> Uni.createFrom().completionStage(batch.ack()))
                .invoke(() -> {
                    lastProgress.set(Instant.now());
                    batchWaitingSince.set(null);
                });
    }

    /** Since when the batch in hand has been waiting to be stored; empty when none is (readiness uses it). */
    public java.util.Optional<Instant> batchWaitingSince() {
        return java.util.Optional.ofNullable(batchWaitingSince.get());
    }

    /** When a batch was last stored and acknowledged. */
    public Instant lastProgress() {
        return lastProgress.get();
    }

    private Uni<Void> deadLetter(KafkaRecord<String, String> record, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.getTopic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", Integer.toString(record.getPartition()).getBytes(StandardCharsets.UTF_8));
        if (record instanceof io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord<String, String> incoming) {
            headers.add("dead-letter-offset", Long.toString(incoming.getOffset()).getBytes(StandardCharsets.UTF_8));
        }
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.getKey()).withHeaders(headers).build();
        String value = record.getPayload() == null ? "" : record.getPayload();
        return deadLetters.sendMessage(Message.of(value).addMetadata(metadata));
    }
}
