package dev.sealpost.keys.service;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;

/** Runs the signing-key lifecycle on a schedule (and once at start, so a fresh tenant gets its keys). */
@ApplicationScoped
public class RotationScheduler {

    private static final Logger LOG = Logger.getLogger(RotationScheduler.class);
    private final SigningKeyLifecycle lifecycle;
    private final DirectoryLog directoryLog;
    private final Tenants tenants;

    public RotationScheduler(SigningKeyLifecycle lifecycle, DirectoryLog directoryLog, Tenants tenants) {
        this.lifecycle = lifecycle;
        this.directoryLog = directoryLog;
        this.tenants = tenants;
    }

    void onStart(@Observes StartupEvent event) {
        // blocking here is deliberate: the service must not take traffic without signing keys
        step().await().atMost(Duration.ofSeconds(30));
    }

    /** The key lifecycle, then a fresh tree head wherever the latest was signed by a key that no longer signs. */
    private Uni<Void> step() {
        return lifecycle.scheduledStep()
                .chain(() -> io.smallrye.mutiny.Multi.createFrom().iterable(tenants.names())
                        .onItem().transformToUniAndConcatenate(directoryLog::refreshTreeHead)
                        .collect().asList())
                .replaceWithVoid();
    }

    @Scheduled(every = "${sealpost.keys.rotation.check-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> check() {
        return step()
                .onFailure().invoke(failure -> LOG.warnf("Signing-key lifecycle step failed (will retry): %s",
                        failure.getClass().getSimpleName()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
