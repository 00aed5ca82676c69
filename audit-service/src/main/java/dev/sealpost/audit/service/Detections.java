package dev.sealpost.audit.service;

import dev.sealpost.audit.config.AuditConfig;
import dev.sealpost.audit.domain.IpLiterals;
import dev.sealpost.audit.repository.DetectionRepository;
import dev.sealpost.audit.repository.Transactions;
import dev.sealpost.audit.repository.Transactions.Transaction;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Detections over the stored record. Each alert is an event of its own (type {@code ALERT_*}),
 * written through the outbox like any other, so it reaches Kafka, the SIEM exports and — with the
 * user as owner — the user's own log. Each rule remembers what it alerted for, so a burst gives one
 * alert per window and a replayed batch gives none.
 * <ul>
 * <li>repeated failed sign-ins: at least N {@code SIGN_IN_FAILED} within the window, per user and per source address;</li>
 * <li>sign-in from a new address: a {@code SIGN_IN_SUCCEEDED} from an address the user never signed in from (not on
 * their very first sign-in, which has nothing to compare with);</li>
 * <li>overdue signing-key rotation: no {@code SIGNING_KEY_ACTIVATED} for a tenant's key purpose within the expected
 * period plus grace (checked on a schedule).</li>
 * </ul>
 */
@ApplicationScoped
public class Detections {

    private static final Logger LOG = Logger.getLogger(Detections.class);
    private static final String SERVICE = "audit-service";

    private final Transactions transactions;
    private final DetectionRepository repository;
    private final AuditConfig.Detections config;

    public Detections(Transactions transactions, DetectionRepository repository, AuditConfig config) {
        this.transactions = transactions;
        this.repository = repository;
        this.config = config.detections();
    }

    /** Runs the event-driven rules over a batch that has just been stored. */
    public Uni<Void> inspect(List<SecurityEvent> events) {
        Map<String, SecurityEvent> failuresByUser = new LinkedHashMap<>();
        Map<String, SecurityEvent> failuresByAddress = new LinkedHashMap<>();
        List<SecurityEvent> signIns = new ArrayList<>();
        List<SecurityEvent> activations = new ArrayList<>();
        for (SecurityEvent event : events) {
            switch (event.type()) {
                case SIGN_IN_FAILED -> {
                    failuresByUser.merge(event.tenant() + "\n" + event.actor().subject(), event, Detections::later);
                    if (IpLiterals.parse(event.sourceIp()).isPresent()) {
                        failuresByAddress.merge(event.tenant() + "\n" + event.sourceIp(), event, Detections::later);
                    }
                }
                case SIGN_IN_SUCCEEDED -> signIns.add(event);
                case SIGNING_KEY_ACTIVATED -> activations.add(event);
                default -> {
                }
            }
        }
        if (failuresByUser.isEmpty() && signIns.isEmpty() && activations.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return transactions.inTransaction(transaction -> {
            List<Uni<Void>> steps = new ArrayList<>();
            failuresByUser.values().forEach(latest -> steps.add(repeatedFailures(transaction, latest, false)));
            failuresByAddress.values().forEach(latest -> steps.add(repeatedFailures(transaction, latest, true)));
            signIns.forEach(signIn -> steps.add(newAddress(transaction, signIn)));
            activations.forEach(activation -> steps.add(recordActivation(transaction, activation)));
            // one statement at a time on the transaction's connection
            return Multi.createFrom().iterable(steps).onItem().transformToUniAndConcatenate(step -> step).collect().last();
        }).replaceWithVoid();
    }

    private static SecurityEvent later(SecurityEvent a, SecurityEvent b) {
        return a.time().isAfter(b.time()) ? a : b;
    }

    private Uni<Void> repeatedFailures(Transaction transaction, SecurityEvent latest, boolean byAddress) {
        Instant until = latest.time();
        Instant since = until.minus(config.failedSignInWindow());
        String key = byAddress ? latest.sourceIp() : latest.actor().subject();
        return repository.countFailedSignIns(transaction, latest.tenant(), since, until, byAddress, key).chain(failures -> {
            if (failures < config.failedSignInThreshold()) {
                return Uni.createFrom().voidItem();
            }
            String rule = byAddress ? "failures-by-address" : "failures-by-user";
            return repository.claimAlert(transaction, latest.tenant(), rule, key, until, since).chain(claimed -> {
                if (!claimed) {
                    return Uni.createFrom().voidItem();
                }
                SecurityEvent.Builder alert = SecurityEvent.of(SecurityEventType.ALERT_REPEATED_SIGN_IN_FAILURES, SERVICE)
                        .tenant(latest.tenant()).sourceIp(latest.sourceIp())
                        .target((byAddress ? "address " + key : "user " + key) + ": " + failures + " failed sign-ins within "
                                + config.failedSignInWindow().toMinutes() + " min");
                if (!byAddress) {
                    alert.owner(latest.actor()); // the user sees it in their own log
                }
                return transaction.append(alert.build());
            });
        });
    }

    private Uni<Void> newAddress(Transaction transaction, SecurityEvent signIn) {
        Optional<InetAddress> address = IpLiterals.parse(signIn.sourceIp());
        if (address.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return repository.rememberSignInSource(transaction, signIn.tenant(), signIn.actor().subject(), address.get(), signIn.time())
                .chain(source -> {
                    // not on the user's very first sign-in, which has nothing to compare with
                    if (!source.added() || source.knownBefore() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    return transaction.append(SecurityEvent.of(SecurityEventType.ALERT_SIGN_IN_FROM_NEW_IP, SERVICE)
                            .tenant(signIn.tenant()).owner(signIn.actor()).sourceIp(signIn.sourceIp()).userAgent(signIn.userAgent())
                            .target("sign-in " + signIn.id() + " from " + signIn.sourceIp() + ", first time for this user").build());
                });
    }

    private Uni<Void> recordActivation(Transaction transaction, SecurityEvent activation) {
        String target = activation.target() == null ? "" : activation.target();
        int end = target.indexOf("-key:");
        String purpose = end > 0 && end <= 32 ? target.substring(0, end) : "signing";
        return repository.recordActivation(transaction, activation.tenant(), purpose, activation.time());
    }

    @Scheduled(every = "${sealpost.audit.detections.rotation-check-every}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledRotationCheck() {
        return checkRotations().onFailure().invoke(failure -> LOG.warnf("rotation check failed (will retry): %s",
                failure.getClass().getSimpleName())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Alerts once for every tenant key purpose whose last activation is older than period + grace; returns how many. */
    public Uni<Integer> checkRotations() {
        Instant overdueBefore = Instant.now().minus(config.expectedRotationPeriod()).minus(config.rotationGrace());
        return transactions.inTransaction(transaction -> repository.markOverdueRotations(transaction, overdueBefore)
                .chain(overdue -> {
                    List<Uni<Void>> alerts = new ArrayList<>();
                    overdue.forEach(rotation -> alerts.add(transaction.append(
                            SecurityEvent.of(SecurityEventType.ALERT_SIGNING_KEY_ROTATION_OVERDUE, SERVICE).tenant(rotation.tenant())
                                    .target(rotation.purpose() + " signing key last activated " + rotation.lastActivatedAt()
                                            + ", expected every " + config.expectedRotationPeriod()).build())));
                    return alerts.isEmpty() ? Uni.createFrom().item(0)
                            : Multi.createFrom().iterable(alerts).onItem().transformToUniAndConcatenate(alert -> alert).collect().asList()
                                    .map(List::size);
                }));
    }
}
