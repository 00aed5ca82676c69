package dev.sealpost.audit.service;

import dev.sealpost.audit.config.AuditConfig;
import dev.sealpost.audit.domain.IpLiterals;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.outbox.Outbox;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.data.Inet;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    private final Pool pool;
    private final Outbox outbox;
    private final AuditConfig.Detections config;

    public Detections(Pool pool, Outbox outbox, AuditConfig config) {
        this.pool = pool;
        this.outbox = outbox;
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
        return pool.withTransaction(transaction -> {
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

    private Uni<Void> repeatedFailures(SqlClient transaction, SecurityEvent latest, boolean byAddress) {
        OffsetDateTime until = utc(latest.time());
        OffsetDateTime since = until.minus(config.failedSignInWindow());
        String count = "SELECT count(*) AS failures FROM audit_event WHERE tenant = $1 AND type = 'SIGN_IN_FAILED' "
                + "AND occurred_at > $2 AND occurred_at <= $3 AND " + (byAddress ? "source_ip = $4" : "actor_subject = $4");
        String key = byAddress ? latest.sourceIp() : latest.actor().subject();
        return transaction.preparedQuery(count).execute(Tuple.of(latest.tenant(), since, until, key)).chain(rows -> {
            long failures = rows.iterator().next().getLong("failures");
            if (failures < config.failedSignInThreshold()) {
                return Uni.createFrom().voidItem();
            }
            String rule = byAddress ? "failures-by-address" : "failures-by-user";
            return claim(transaction, latest.tenant(), rule, key, until).chain(claimed -> {
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
                return outbox.append(transaction, alert.build());
            });
        });
    }

    /** True if this alert may be raised now: none for the same rule and key within the window. */
    private Uni<Boolean> claim(SqlClient transaction, String tenant, String rule, String key, OffsetDateTime at) {
        return transaction.preparedQuery("INSERT INTO detection_state (tenant, rule, subject_key, last_alert_at) VALUES ($1, $2, $3, $4) "
                        + "ON CONFLICT (tenant, rule, subject_key) DO UPDATE SET last_alert_at = excluded.last_alert_at "
                        + "WHERE detection_state.last_alert_at <= $5 RETURNING 1")
                .execute(Tuple.of(tenant, rule, key, at, at.minus(config.failedSignInWindow())))
                .map(rows -> rows.rowCount() == 1);
    }

    private Uni<Void> newAddress(SqlClient transaction, SecurityEvent signIn) {
        Optional<InetAddress> address = IpLiterals.parse(signIn.sourceIp());
        if (address.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return transaction.preparedQuery("""
                        WITH prior AS (SELECT count(*) AS known FROM known_sign_in_source WHERE tenant = $1 AND subject = $2),
                             added AS (INSERT INTO known_sign_in_source (tenant, subject, source, first_seen) VALUES ($1, $2, $3, $4)
                                       ON CONFLICT DO NOTHING RETURNING 1)
                        SELECT (SELECT count(*) FROM added) AS added, (SELECT known FROM prior) AS known""")
                .execute(Tuple.of(signIn.tenant(), signIn.actor().subject(), new Inet().setAddress(address.get()), utc(signIn.time())))
                .chain(rows -> {
                    var row = rows.iterator().next();
                    if (row.getLong("added") == 0 || row.getLong("known") == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    return outbox.append(transaction, SecurityEvent.of(SecurityEventType.ALERT_SIGN_IN_FROM_NEW_IP, SERVICE)
                            .tenant(signIn.tenant()).owner(signIn.actor()).sourceIp(signIn.sourceIp()).userAgent(signIn.userAgent())
                            .target("sign-in " + signIn.id() + " from " + signIn.sourceIp() + ", first time for this user").build());
                });
    }

    private Uni<Void> recordActivation(SqlClient transaction, SecurityEvent activation) {
        String target = activation.target() == null ? "" : activation.target();
        int end = target.indexOf("-key:");
        String purpose = end > 0 && end <= 32 ? target.substring(0, end) : "signing";
        return transaction.preparedQuery("INSERT INTO signing_key_activity (tenant, purpose, last_activated_at) VALUES ($1, $2, $3) "
                        + "ON CONFLICT (tenant, purpose) DO UPDATE SET last_activated_at = greatest(signing_key_activity.last_activated_at, "
                        + "excluded.last_activated_at)")
                .execute(Tuple.of(activation.tenant(), purpose, utc(activation.time()))).replaceWithVoid();
    }

    @Scheduled(every = "${sealpost.audit.detections.rotation-check-every:5m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledRotationCheck() {
        return checkRotations().onFailure().invoke(failure -> LOG.warnf("rotation check failed (will retry): %s",
                failure.getClass().getSimpleName())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Alerts once for every tenant key purpose whose last activation is older than period + grace; returns how many. */
    public Uni<Integer> checkRotations() {
        OffsetDateTime overdueBefore = utc(Instant.now().minus(config.expectedRotationPeriod()).minus(config.rotationGrace()));
        return pool.withTransaction(transaction -> transaction.preparedQuery("""
                        UPDATE signing_key_activity SET alerted_for = last_activated_at
                        WHERE last_activated_at < $1 AND alerted_for IS DISTINCT FROM last_activated_at
                        RETURNING tenant, purpose, last_activated_at""")
                .execute(Tuple.of(overdueBefore))
                .chain(rows -> {
                    List<Uni<Void>> alerts = new ArrayList<>();
                    rows.forEach(row -> alerts.add(outbox.append(transaction,
                            SecurityEvent.of(SecurityEventType.ALERT_SIGNING_KEY_ROTATION_OVERDUE, SERVICE).tenant(row.getString("tenant"))
                                    .target(row.getString("purpose") + " signing key last activated "
                                            + row.getOffsetDateTime("last_activated_at").toInstant() + ", expected every "
                                            + config.expectedRotationPeriod()).build())));
                    return alerts.isEmpty() ? Uni.createFrom().item(0)
                            : Multi.createFrom().iterable(alerts).onItem().transformToUniAndConcatenate(alert -> alert).collect().asList()
                                    .map(List::size);
                }));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
