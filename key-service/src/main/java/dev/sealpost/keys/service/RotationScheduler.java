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

    public RotationScheduler(SigningKeyLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    void onStart(@Observes StartupEvent event) {
        // blocking here is deliberate: the service must not take traffic without signing keys
        lifecycle.scheduledStep().await().atMost(Duration.ofSeconds(30));
    }

    @Scheduled(every = "${sealpost.keys.rotation.check-every:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> check() {
        return lifecycle.scheduledStep()
                .onFailure().invoke(failure -> LOG.warnf("Signing-key lifecycle step failed (will retry): %s",
                        failure.getClass().getSimpleName()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
