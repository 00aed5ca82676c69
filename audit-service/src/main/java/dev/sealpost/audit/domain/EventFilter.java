package dev.sealpost.audit.domain;

import dev.sealpost.events.SecurityEventType;

import java.time.Instant;

/**
 * The checked conditions of a query of the record; a null field matches every event.
 *
 * @param from          earliest time, inclusive
 * @param to            latest time, exclusive
 * @param sourceNetwork events whose source address lies in this block
 * @param sourceIp      events whose source is exactly this text
 */
public record EventFilter(SecurityEventType type, Instant from, Instant to, String actor, String outcome, IpLiterals.Cidr sourceNetwork,
        String sourceIp) {
}
