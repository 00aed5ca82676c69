package dev.sealpost.mail.service;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.mail.config.MailConfig;
import dev.sealpost.passport.Passport;
import dev.sealpost.outbox.Outbox;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every listing and every read of a mailbox becomes part of one MAILBOX_ACCESSED event per actor,
 * mailbox, client (address and user agent) and minute, with a count — readable in a user's log,
 * not one line per request. A minute is written to the outbox once it is over. An actor's clients
 * are told apart up to {@link MailConfig#accessLogClientsPerMinute()} a minute; the accesses of
 * further clients are counted in one more event, so a caller who changes its user agent at every
 * request can neither fill the heap nor turn the log back into one line per request.
 */
@ApplicationScoped
public class MailboxAccessLog {

    private static final Logger LOG = Logger.getLogger(MailboxAccessLog.class);

    /** The user agent of the event that counts an actor's accesses from clients past the limit. */
    public static final String FURTHER_CLIENTS = "(further clients this minute, counted together)";

    private record Key(String tenant, String mailboxAddress, String ownerSubject, String issuer, String subject, String actorAddress,
            String sourceIp, String userAgent, Instant minute) {

        Key ofFurtherClients() {
            return new Key(tenant, mailboxAddress, ownerSubject, issuer, subject, actorAddress, null, FURTHER_CLIENTS, minute);
        }
    }

    /** One actor on one mailbox in one minute: how many clients they were seen from. */
    private record ActorMinute(String mailboxAddress, String issuer, String subject, Instant minute) {
    }

    // counted with merge and taken with remove, both atomic: an access at a minute's end is in the
    // events of this flush or of the next, never lost between the two
    private final Map<Key, Long> counts = new ConcurrentHashMap<>();
    private final Map<ActorMinute, AtomicInteger> clients = new ConcurrentHashMap<>();
    private final Pool pool;
    private final Outbox outbox;
    private final dev.sealpost.service.security.PassportConfig passports;
    private final int clientsPerMinute;
    private final Clock clock;

    public MailboxAccessLog(Pool pool, Outbox outbox, dev.sealpost.service.security.PassportConfig passports, MailConfig config,
            Clock clock) {
        this.clock = clock;
        this.pool = pool;
        this.outbox = outbox;
        this.passports = passports;
        this.clientsPerMinute = config.accessLogClientsPerMinute();
    }

    public void accessed(dev.sealpost.mail.domain.Mailbox mailbox, Passport actor, RequestContext context) {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        Key key = new Key(mailbox.tenant(), mailbox.address(), mailbox.ownerSubject(), actor.issuer(), actor.subject(), actor.address(),
                context.sourceIp(), context.userAgent(), minute);
        if (!counts.containsKey(key)) {
            // a client not yet seen this minute: its own entry while the actor has fewer than the limit
            ActorMinute whose = new ActorMinute(mailbox.address(), actor.issuer(), actor.subject(), minute);
            if (clients.computeIfAbsent(whose, ignored -> new AtomicInteger()).incrementAndGet() > clientsPerMinute) {
                key = key.ofFurtherClients();
            }
        }
        counts.merge(key, 1L, Long::sum);
    }

    @Scheduled(every = "${sealpost.mail.access-log-flush}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> flushCompletedMinutes() {
        return flush(clock.instant().truncatedTo(ChronoUnit.MINUTES));
    }

    /** Writes every minute before {@code before} as events; all at once, in one transaction. */
    public Uni<Void> flush(Instant before) {
        List<SecurityEvent> events = new ArrayList<>();
        Map<Key, Long> taken = new java.util.HashMap<>();
        for (Key key : List.copyOf(counts.keySet())) {
            Long count = key.minute().isBefore(before) ? counts.remove(key) : null;
            if (count != null) {
                taken.put(key, count);
                events.add(SecurityEvent.of(SecurityEventType.MAILBOX_ACCESSED, MailEvents.SERVICE).tenant(key.tenant())
                        .actor(new SecurityEvent.Actor(key.issuer(), key.subject(), key.actorAddress()))
                        .owner(MailEvents.owner(passports, key.tenant(), key.ownerSubject(), key.mailboxAddress()))
                        .target(key.mailboxAddress() + " minute=" + key.minute() + " requests=" + count)
                        .sourceIp(key.sourceIp()).userAgent(key.userAgent()).build());
            }
        }
        clients.keySet().removeIf(whose -> whose.minute().isBefore(before));
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(transaction -> Multi.createFrom().iterable(events)
                        .onItem().transformToUniAndConcatenate(event -> outbox.append(transaction, event))
                        .collect().asList())
                .onFailure().invoke(failure -> {
                    LOG.warnf("could not record %d mailbox-access events (kept for the next flush): %s", events.size(),
                            failure.getClass().getSimpleName());
                    taken.forEach((key, count) -> counts.merge(key, count, Long::sum));
                })
                .replaceWithVoid();
    }
}
