package dev.sealpost.mail.service;

import dev.sealpost.mail.config.MailConfig;
import dev.sealpost.mail.repository.DeliveryRepository;
import dev.sealpost.mail.repository.DeliveryRepository.Delivery;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Group commit of sends: at most {@link MailConfig#deliveryWriters()} write statements run at once,
 * and the sends that arrive while they run wait here and are then written together, in one statement
 * ({@link DeliveryRepository#deliver}). Why: at a thousand sends a second most of a send's cost in
 * PostgreSQL was per statement, not per row — starting the executor of its generic plan and its
 * commit (docs/mail-service.md, "Performance"). No timer: a send that finds a writer free is written at
 * once, so a quiet service adds no latency; batches form only while the writers are busy.
 * <p>
 * The statement of a group is atomic, so one bad send would fail the others with it: when PostgreSQL
 * refuses a group (a constraint, a trigger, a key recorded by a concurrent send), nothing of it was
 * written, and each of its sends is written again alone, to get its own outcome. Any other failure
 * (the connection lost mid-statement) leaves the outcome unknown — the group may have committed — so
 * every send of it fails, as a single send would, and is not written twice.
 */
@ApplicationScoped
public class DeliveryQueue {

    private record Waiting(Delivery delivery, Context context, UniEmitter<? super Void> emitter) {
    }

    private final DeliveryRepository deliveries;
    private final int writers;
    private final int maxBatch;
    private final DistributionSummary batchSizes;
    // guarded by this
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int writing;

    public DeliveryQueue(DeliveryRepository deliveries, MailConfig config, MeterRegistry metrics) {
        if (config.deliveryWriters() < 1 || config.deliveryBatchSize() < 1) {
            throw new IllegalArgumentException("sealpost.mail.delivery-writers and delivery-batch-size must be at least 1");
        }
        this.deliveries = deliveries;
        this.writers = config.deliveryWriters();
        this.maxBatch = config.deliveryBatchSize();
        this.batchSizes = DistributionSummary.builder("sealpost.mail.delivery.batch.size")
                .description("Sends written by one statement (group commit)").register(metrics);
        metrics.gauge("sealpost.mail.delivery.waiting", this, DeliveryQueue::waitingCount);
    }

    /** Writes the send, alone or with others; completes when it has committed. */
    public Uni<Void> deliver(Delivery delivery) {
        return Uni.createFrom().emitter(emitter -> {
            List<Waiting> batch;
            synchronized (this) {
                waiting.add(new Waiting(delivery, Vertx.currentContext(), emitter));
                if (writing >= writers) {
                    return;
                }
                writing++;
                batch = take();
            }
            write(batch);
        });
    }

    synchronized int waitingCount() {
        return waiting.size();
    }

    /** The next batch, oldest first; called holding the lock, with at least one send waiting. */
    private List<Waiting> take() {
        List<Waiting> batch = new ArrayList<>(Math.min(maxBatch, waiting.size()));
        while (batch.size() < maxBatch && !waiting.isEmpty()) {
            batch.add(waiting.poll());
        }
        return batch;
    }

    private void write(List<Waiting> batch) {
        statement(batch)
                .subscribe().with(written -> {
                    batch.forEach(send -> complete(send, null));
                    next();
                }, failure -> {
                    if (batch.size() > 1 && refusedByPostgres(failure)) {
                        writeEachAlone(batch);
                    } else {
                        batch.forEach(send -> complete(send, failure));
                        next();
                    }
                });
    }

    /** PostgreSQL answered the statement with an error: it was rolled back, nothing of it written. */
    private static boolean refusedByPostgres(Throwable failure) {
        return failure instanceof PgException || failure instanceof DeliveryRepository.IdempotencyKeyTaken;
    }

    /** After PostgreSQL refused a group: each send on its own, this writer's slot held until all are done. */
    private void writeEachAlone(List<Waiting> batch) {
        List<Uni<Void>> alone = batch.stream().map(send -> statement(List.of(send))
                .onItemOrFailure().invoke((written, failure) -> complete(send, failure))
                .onFailure().recoverWithNull()).toList();
        Uni.join().all(alone).andCollectFailures().subscribe().with(done -> next(), failure -> next());
    }

    /** One write statement for these sends, counted in the batch-size metric. */
    private Uni<Void> statement(List<Waiting> sends) {
        return Uni.createFrom().deferred(() -> {
            batchSizes.record(sends.size());
            return deliveries.deliver(sends.stream().map(Waiting::delivery).toList());
        });
    }

    /** Starts the next batch on this writer's slot, or gives the slot back. */
    private void next() {
        List<Waiting> batch;
        synchronized (this) {
            if (waiting.isEmpty()) {
                writing--;
                return;
            }
            batch = take();
        }
        write(batch);
    }

    /** The send's outcome, on the Vert.x context of its request (a batch completes on one connection's). */
    private static void complete(Waiting send, Throwable failure) {
        Runnable outcome = failure == null ? () -> send.emitter().complete(null) : () -> send.emitter().fail(failure);
        if (send.context() == null) {
            outcome.run();
        } else {
            send.context().runOnContext(ignored -> outcome.run());
        }
    }
}
