package dev.sealpost.audit.domain;

import dev.sealpost.events.SecurityEvent;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The columns of an {@code audit_event} row that the queries filter, sort and page on, as derived
 * from the event whose JSON is the row's hashed payload. The hash covers only the payload, so these
 * columns are bound to the chain by derivation: {@code AuditStore} writes exactly these values, and
 * {@code ChainVerifier} derives them again from each stored payload and compares them with what the
 * row holds. A column changed in the database is then found like a changed payload.
 *
 * @param sourceInet the source address when {@code sourceIp} is a valid IP literal, in Java's
 *                   canonical text ({@link InetAddress#getHostAddress()}); a stored value with a
 *                   netmask carries it as {@code /bits}, so it never equals a derived one
 */
public record IndexedColumns(UUID id, Instant occurredAt, String tenant, String type, String outcome, String actorIssuer,
        String actorSubject, String actorAddress, String ownerSubject, String sourceIp, String service, String sourceInet) {

    /** {@code timestamptz} keeps microseconds; an event's time may carry nanoseconds, which the column drops. */
    private static final Duration COLUMN_PRECISION = Duration.ofNanos(1_000);

    /** The values the row of {@code event} holds. */
    public static IndexedColumns of(SecurityEvent event) {
        return new IndexedColumns(event.id(), event.time(), event.tenant(), event.type().name(), event.outcome().name(),
                event.actor().issuer(), event.actor().subject(), event.actor().address(),
                event.owner() == null ? null : event.owner().subject(), event.sourceIp(), event.service(),
                IpLiterals.parse(event.sourceIp()).map(InetAddress::getHostAddress).orElse(null));
    }

    /**
     * The stored inet as {@link #sourceInet}: {@code host} and {@code bits} are PostgreSQL's
     * {@code host()} and {@code masklen()} of the column (null when it is null).
     */
    public static String inetText(String host, Integer bits) {
        if (host == null) {
            return null;
        }
        return IpLiterals.parse(host)
                .map(address -> bits != null && bits == address.getAddress().length * 8 ? address.getHostAddress()
                        : address.getHostAddress() + "/" + bits)
                .orElse(host + "/" + bits);
    }

    /** The column names whose stored values ({@code this}) differ from those derived from the payload; empty when all agree. */
    public List<String> differencesFrom(IndexedColumns derived) {
        List<String> differing = new ArrayList<>();
        compare(differing, "id", id, derived.id);
        if (occurredAt == null || Duration.between(occurredAt, derived.occurredAt).abs().compareTo(COLUMN_PRECISION) >= 0) {
            differing.add("occurred_at");
        }
        compare(differing, "tenant", tenant, derived.tenant);
        compare(differing, "type", type, derived.type);
        compare(differing, "outcome", outcome, derived.outcome);
        compare(differing, "actor_issuer", actorIssuer, derived.actorIssuer);
        compare(differing, "actor_subject", actorSubject, derived.actorSubject);
        compare(differing, "actor_address", actorAddress, derived.actorAddress);
        compare(differing, "owner_subject", ownerSubject, derived.ownerSubject);
        compare(differing, "source_ip", sourceIp, derived.sourceIp);
        compare(differing, "service", service, derived.service);
        compare(differing, "source_inet", sourceInet, derived.sourceInet);
        return differing;
    }

    private static void compare(List<String> differing, String column, Object stored, Object derived) {
        if (!Objects.equals(stored, derived)) {
            differing.add(column);
        }
    }
}
