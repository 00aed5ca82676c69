package dev.sealpost.audit.repository;

import dev.sealpost.audit.repository.Transactions.Transaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.data.Inet;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * What the detections count and remember: failed sign-ins in the record, the alerts already raised
 * ({@code detection_state}), the addresses each user signed in from ({@code known_sign_in_source})
 * and each tenant key purpose's last activation ({@code signing_key_activity}). Every statement runs
 * in the caller's transaction, so a remembered alert commits with the alert event itself.
 */
@ApplicationScoped
public class DetectionRepository {

    /**
     * A sign-in address as it was remembered.
     *
     * @param added       the address was new for the user
     * @param knownBefore how many addresses the user had signed in from before
     */
    public record SignInSource(boolean added, long knownBefore) {
    }

    /** A tenant key purpose whose last activation has just been marked as alerted for. */
    public record OverdueRotation(String tenant, String purpose, Instant lastActivatedAt) {
    }

    /**
     * The tenant's {@code SIGN_IN_FAILED} events after {@code since}, up to and including
     * {@code until}, from one source address ({@code byAddress}) or by one user: {@code key} is the
     * address or the user's subject.
     */
    public Uni<Long> countFailedSignIns(Transaction transaction, String tenant, Instant since, Instant until, boolean byAddress, String key) {
        String count = "SELECT count(*) AS failures FROM audit_event WHERE tenant = $1 AND type = 'SIGN_IN_FAILED' "
                + "AND occurred_at > $2 AND occurred_at <= $3 AND " + (byAddress ? "source_ip = $4" : "actor_subject = $4");
        return transaction.connection().preparedQuery(count).execute(Tuple.of(tenant, utc(since), utc(until), key))
                .map(rows -> rows.iterator().next().getLong("failures"));
    }

    /**
     * Remembers an alert of {@code rule} for {@code key} at {@code at}, unless the last one
     * remembered is later than {@code quietSince}; true if it was remembered (the alert may be raised).
     */
    public Uni<Boolean> claimAlert(Transaction transaction, String tenant, String rule, String key, Instant at, Instant quietSince) {
        return transaction.connection().preparedQuery("INSERT INTO detection_state (tenant, rule, subject_key, last_alert_at) "
                        + "VALUES ($1, $2, $3, $4) ON CONFLICT (tenant, rule, subject_key) DO UPDATE SET last_alert_at = excluded.last_alert_at "
                        + "WHERE detection_state.last_alert_at <= $5 RETURNING 1")
                .execute(Tuple.of(tenant, rule, key, utc(at), utc(quietSince)))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Remembers that the user signed in from {@code address}, first seen at {@code at} if it is new. */
    public Uni<SignInSource> rememberSignInSource(Transaction transaction, String tenant, String subject, InetAddress address, Instant at) {
        return transaction.connection().preparedQuery("""
                        WITH prior AS (SELECT count(*) AS known FROM known_sign_in_source WHERE tenant = $1 AND subject = $2),
                             added AS (INSERT INTO known_sign_in_source (tenant, subject, source, first_seen) VALUES ($1, $2, $3, $4)
                                       ON CONFLICT DO NOTHING RETURNING 1)
                        SELECT (SELECT count(*) FROM added) AS added, (SELECT known FROM prior) AS known""")
                .execute(Tuple.of(tenant, subject, new Inet().setAddress(address), utc(at)))
                .map(rows -> {
                    var row = rows.iterator().next();
                    return new SignInSource(row.getLong("added") != 0, row.getLong("known"));
                });
    }

    /** Records an activation of the tenant's signing key for {@code purpose}; an earlier one than already recorded changes nothing. */
    public Uni<Void> recordActivation(Transaction transaction, String tenant, String purpose, Instant at) {
        return transaction.connection().preparedQuery("INSERT INTO signing_key_activity (tenant, purpose, last_activated_at) "
                        + "VALUES ($1, $2, $3) ON CONFLICT (tenant, purpose) DO UPDATE SET last_activated_at = "
                        + "greatest(signing_key_activity.last_activated_at, excluded.last_activated_at)")
                .execute(Tuple.of(tenant, purpose, utc(at))).replaceWithVoid();
    }

    /**
     * Every key purpose last activated before {@code before} and not yet alerted for since that
     * activation, marked as alerted for now.
     */
    public Uni<List<OverdueRotation>> markOverdueRotations(Transaction transaction, Instant before) {
        return transaction.connection().preparedQuery("""
                        UPDATE signing_key_activity SET alerted_for = last_activated_at
                        WHERE last_activated_at < $1 AND alerted_for IS DISTINCT FROM last_activated_at
                        RETURNING tenant, purpose, last_activated_at""")
                .execute(Tuple.of(utc(before)))
                .map(rows -> {
                    List<OverdueRotation> overdue = new ArrayList<>();
                    rows.forEach(row -> overdue.add(new OverdueRotation(row.getString("tenant"), row.getString("purpose"),
                            row.getOffsetDateTime("last_activated_at").toInstant())));
                    return overdue;
                });
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
