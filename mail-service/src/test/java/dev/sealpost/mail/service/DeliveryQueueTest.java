package dev.sealpost.mail.service;

import dev.sealpost.mail.config.MailConfig;
import dev.sealpost.mail.repository.DeliveryRepository;
import dev.sealpost.mail.repository.DeliveryRepository.Delivery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.sqlclient.ClosedConnectionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The one outcome of the group commit that PostgreSQL cannot be made to produce in a test: a group
 * whose connection is lost mid-statement. Its outcome is unknown — it may have committed — so every
 * send of it fails, as a lone send would, and none is written again. (Groups forming, and a group
 * PostgreSQL refuses being written send by send, are tested against PostgreSQL in GroupCommitTest.)
 * The statements here are held and ended by the test through a repository that records them.
 */
class DeliveryQueueTest {

    /** Records each statement's sends and lets the test end it. */
    static final class HeldStatements extends DeliveryRepository {
        final List<List<Delivery>> statements = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> outcomes = new CopyOnWriteArrayList<>();

        HeldStatements() {
            super(null, null, null);
        }

        @Override
        public Uni<Void> deliver(List<Delivery> deliveries) {
            CompletableFuture<Void> outcome = new CompletableFuture<>();
            statements.add(deliveries);
            outcomes.add(outcome);
            return Uni.createFrom().completionStage(outcome);
        }
    }

    private static MailConfig config(int writers) {
        // Quarkus's converter reads durations such as "30d" as the service does
        return new SmallRyeConfigBuilder().withMapping(MailConfig.class).withConverter(Duration.class, 100, new DurationConverter())
                .withDefaultValue("sealpost.mail.trusted-proxies", "127.0.0.1")
                .withDefaultValue("sealpost.mail.delivery-writers", String.valueOf(writers))
                .build().getConfigMapping(MailConfig.class);
    }

    private static Delivery delivery() {
        return new Delivery(UUID.randomUUID(), new byte[] {1}, "a@sealpost.test", List.of("b@sealpost.test"), Instant.now(),
                List.of(), Map.of(), List.of(), null);
    }

    @Test
    void aGroupWhoseConnectionIsLostFailsEverySendAndWritesNoneAgain() {
        HeldStatements repository = new HeldStatements();
        DeliveryQueue queue = new DeliveryQueue(repository, config(1), new SimpleMeterRegistry());
        CompletableFuture<Void> first = queue.deliver(delivery()).subscribeAsCompletionStage();
        List<CompletableFuture<Void>> grouped = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            grouped.add(queue.deliver(delivery()).subscribeAsCompletionStage());
        }
        assertEquals(1, repository.statements.size(), "one writer: the others wait");
        repository.outcomes.get(0).complete(null);
        first.join();
        assertEquals(2, repository.statements.size());
        assertEquals(3, repository.statements.get(1).size(), "the three waiting sends, in one statement");
        repository.outcomes.get(1).completeExceptionally(ClosedConnectionException.INSTANCE);
        for (CompletableFuture<Void> send : grouped) {
            Throwable failure = assertThrows(Exception.class, () -> send.get(Duration.ofSeconds(5).toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS)).getCause();
            assertInstanceOf(ClosedConnectionException.class, failure);
        }
        assertEquals(2, repository.statements.size(), "no send of the lost group written again");
        // the writer is free again: the next send is written at once
        queue.deliver(delivery()).subscribeAsCompletionStage();
        assertEquals(3, repository.statements.size());
        assertEquals(1, repository.statements.get(2).size());
    }
}
