package dev.sealpost.keys.service;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.outbox.Outbox;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Records refusals (bad gateway credential, a login asking for another tenant's passport, a
 * passport that fails verification) as security events. Recording runs in its own transaction and
 * does not delay or decide the refusal: the request is refused either way.
 */
@ApplicationScoped
public class RefusalEvents {

    /** Tenant of events that cannot be attributed to a tenant (the token could not be trusted). */
    public static final String UNATTRIBUTED = SecurityEvent.UNATTRIBUTED_TENANT;
    private static final Logger LOG = Logger.getLogger(RefusalEvents.class);

    private final Pool pool;
    private final Outbox outbox;

    public RefusalEvents(Pool pool, Outbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    public void passportRefused(String tenant, SecurityEvent.Actor actor, String reason, String target) {
        SecurityEvent event = SecurityEvent.of(SecurityEventType.PASSPORT_REFUSED, "key-service")
                .tenant(tenant).actor(actor).target(target).failure(reason).build();
        pool.withTransaction(transaction -> outbox.append(transaction, event))
                .subscribe().with(ignored -> { }, failure -> LOG.warnf("could not record a %s event: %s",
                        event.type(), failure.getClass().getSimpleName()));
    }
}
