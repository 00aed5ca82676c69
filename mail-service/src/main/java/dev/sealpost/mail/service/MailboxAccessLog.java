package dev.sealpost.mail.service;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.passport.Passport;
import dev.sealpost.service.events.Outbox;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every listing and every read of a mailbox becomes part of one MAILBOX_ACCESSED event per actor,
 * mailbox, client (address and user agent) and minute, with a count — readable in a user's log,
 * not one line per request. A minute is written to the outbox once it is over.
 */
@ApplicationScoped
public class MailboxAccessLog {

    private static final Logger LOG = Logger.getLogger(MailboxAccessLog.class);

    private record Key(String tenant, String mailboxAddress, String ownerSubject, String issuer, String subject, String actorAddress,
            String sourceIp, String userAgent, Instant minute) {
    }

    private final Map<Key, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Pool pool;
    private final Outbox outbox;
    private final dev.sealpost.service.security.PassportConfig passports;

    public MailboxAccessLog(Pool pool, Outbox outbox, dev.sealpost.service.security.PassportConfig passports) {
        this.pool = pool;
        this.outbox = outbox;
        this.passports = passports;
    }

    public void accessed(dev.sealpost.mail.domain.Mailbox mailbox, Passport actor, RequestContext context) {
        Key key = new Key(mailbox.tenant(), mailbox.address(), mailbox.ownerSubject(), actor.issuer(), actor.subject(), actor.address(),
                context.sourceIp(), context.userAgent(), Instant.now().truncatedTo(ChronoUnit.MINUTES));
        counts.computeIfAbsent(key, ignored -> new AtomicLong()).incrementAndGet();
    }

    @Scheduled(every = "${sealpost.mail.access-log-flush:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> flushCompletedMinutes() {
        return flush(Instant.now().truncatedTo(ChronoUnit.MINUTES));
    }

    /** Writes every minute before {@code before} as events; all at once, in one transaction. */
    public Uni<Void> flush(Instant before) {
        List<SecurityEvent> events = new ArrayList<>();
        Map<Key, Long> taken = new java.util.HashMap<>();
        for (Key key : List.copyOf(counts.keySet())) {
            if (key.minute().isBefore(before)) {
                AtomicLong count = counts.remove(key);
                taken.put(key, count.get());
                events.add(SecurityEvent.of(SecurityEventType.MAILBOX_ACCESSED, MailEvents.SERVICE).tenant(key.tenant())
                        .actor(new SecurityEvent.Actor(key.issuer(), key.subject(), key.actorAddress()))
                        .owner(MailEvents.owner(passports, key.tenant(), key.ownerSubject(), key.mailboxAddress()))
                        .target(key.mailboxAddress() + " minute=" + key.minute() + " requests=" + count.get())
                        .sourceIp(key.sourceIp()).userAgent(key.userAgent()).build());
            }
        }
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(transaction -> Multi.createFrom().iterable(events)
                        .onItem().transformToUniAndConcatenate(event -> outbox.append(transaction, event))
                        .collect().asList())
                .onFailure().invoke(failure -> {
                    LOG.warnf("could not record %d mailbox-access events (kept for the next flush): %s", events.size(),
                            failure.getClass().getSimpleName());
                    taken.forEach((key, count) -> counts.computeIfAbsent(key, ignored -> new AtomicLong()).addAndGet(count));
                })
                .replaceWithVoid();
    }
}
