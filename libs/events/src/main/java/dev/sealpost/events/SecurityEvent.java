package dev.sealpost.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One security event, as every Sealpost service produces it and the audit service stores it.
 * Identity is (issuer, subject) — never an e-mail claim; the address is informational.
 *
 * @param id        UUIDv7 (time-ordered), unique; consumers deduplicate by it
 * @param time      when it happened, UTC
 * @param tenant    the tenant the event belongs to (whose log it lands in)
 * @param actor     who did it; {@link Actor#SYSTEM} for scheduled work
 * @param owner     whose log it belongs to when that is not the actor (the recipient of a message,
 *                  the owner of a mailbox someone else tried to read); null when it is the actor
 * @param type      what happened, from the closed list in {@link SecurityEventType}
 * @param target    what it happened to (an address, a key id, a message id), never content
 * @param outcome   success or failure
 * @param reason    a short category for failures ({@code "kid_unknown"}), never a secret
 * @param sourceIp  the client's address as the gateway saw it, if any
 * @param userAgent the client's user agent, if any, truncated
 * @param requestId the X-Request-Id the request carried, if any
 * @param service   the producing service
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecurityEvent(UUID id, Instant time, String tenant, Actor actor, Actor owner, SecurityEventType type, String target,
        Outcome outcome, String reason, String sourceIp, String userAgent, String requestId, String service) {

    public static final int MAX_FIELD_LENGTH = 512;

    public SecurityEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(service, "service");
        tenant = ClientText.escaped(tenant);
        actor = actor.escaped();
        owner = owner == null ? null : owner.escaped();
        target = truncate(ClientText.escaped(target));
        reason = truncate(ClientText.escaped(reason));
        sourceIp = ClientText.escaped(sourceIp);
        userAgent = truncate(ClientText.escaped(userAgent));
        requestId = truncate(ClientText.escaped(requestId));
        service = ClientText.escaped(service);
    }

    /** Who acted. For a user: the identity provider's issuer and subject; for scheduled work: {@link #SYSTEM}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Actor(String issuer, String subject, String address) {
        public static final Actor SYSTEM = new Actor("sealpost", "system", null);
        /** Someone whose credential could not be trusted: whatever it claimed is not an identity. */
        public static final Actor UNVERIFIED = new Actor("sealpost", "unverified", null);

        Actor escaped() {
            String escapedIssuer = ClientText.escaped(issuer);
            String escapedSubject = ClientText.escaped(subject);
            String escapedAddress = ClientText.escaped(address);
            return escapedIssuer == issuer && escapedSubject == subject && escapedAddress == address ? this
                    : new Actor(escapedIssuer, escapedSubject, escapedAddress);
        }
    }

    /** The tenant of events that cannot be attributed to a tenant (the credential could not be trusted). */
    public static final String UNATTRIBUTED_TENANT = "sealpost";

    public enum Outcome { SUCCESS, FAILURE }

    /** Kafka record key: tenant and user, so one user's events stay in order on one partition. */
    public String partitionKey() {
        return tenant + "|" + actor.issuer() + "|" + actor.subject();
    }

    /** Starts an event of {@code type} now, with a fresh UUIDv7. */
    public static Builder of(SecurityEventType type, String service) {
        return new Builder(type, service);
    }

    private static String truncate(String value) {
        return value == null || value.length() <= MAX_FIELD_LENGTH ? value : value.substring(0, MAX_FIELD_LENGTH);
    }

    /** Builds events without positional mistakes among the string fields. */
    public static final class Builder {
        private final SecurityEventType type;
        private final String service;
        private String tenant;
        private Actor actor = Actor.SYSTEM;
        private Actor owner;
        private String target;
        private Outcome outcome = Outcome.SUCCESS;
        private String reason;
        private String sourceIp;
        private String userAgent;
        private String requestId;

        private Builder(SecurityEventType type, String service) {
            this.type = type;
            this.service = service;
        }

        public Builder tenant(String tenant) { this.tenant = tenant; return this; }
        public Builder actor(Actor actor) { this.actor = actor; return this; }
        public Builder owner(Actor owner) { this.owner = owner; return this; }
        public Builder target(String target) { this.target = target; return this; }
        public Builder failure(String reason) { this.outcome = Outcome.FAILURE; this.reason = reason; return this; }
        public Builder sourceIp(String sourceIp) { this.sourceIp = sourceIp; return this; }
        public Builder userAgent(String userAgent) { this.userAgent = userAgent; return this; }
        public Builder requestId(String requestId) { this.requestId = requestId; return this; }

        public SecurityEvent build() {
            return new SecurityEvent(UuidV7.next(), Instant.now(), tenant, actor, owner, type, target, outcome, reason, sourceIp,
                    userAgent, requestId, service);
        }
    }
}
