package dev.sealpost.mail.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

/** mail-service limits and retention; docs/operations.md lists the environment variables. */
@ConfigMapping(prefix = "sealpost.mail")
public interface MailConfig {

    /**
     * Message bytes being received at once, over all requests (a body is held whole until it is
     * stored): past it a send is refused with 503 and Retry-After instead of filling the heap. At
     * least {@code sealpost.limits.message-bytes}.
     */
    @WithDefault("67108864")
    long maxInFlightMessageBytes();

    /**
     * The share of {@link #maxInFlightMessageBytes()} one user may hold at once (429 past it): one
     * message of the largest size and a few small ones, so that no single user can take the whole
     * budget from everyone else. Between {@code sealpost.limits.message-bytes} and the whole budget.
     */
    @WithDefault("33554432")
    long maxInFlightMessageBytesPerUser();

    /** Storage per mailbox, counting every copy it holds (inbox, sent, trash...). */
    @WithDefault("1073741824")
    long defaultQuotaBytes();

    /** Folders a mailbox may have of its own, besides the standard five (409 past it). */
    @WithDefault("200")
    int maxUserFolders();

    /** Messages in the trash longer than this are purged. */
    @WithDefault("30d")
    Duration trashRetention();

    /**
     * Clients (address and user agent) told apart in one actor's MAILBOX_ACCESSED events for one
     * mailbox and minute; the accesses of any further client that minute are counted together in one
     * more event. Bounds the memory and the events one caller can make by changing its user agent at
     * every request; no access goes uncounted.
     */
    @WithDefault("20")
    int accessLogClientsPerMinute();

    /** How long a send's Idempotency-Key is honoured; a retry after it is a new send. */
    @WithDefault("24h")
    Duration idempotencyKeyRetention();

    /**
     * Write statements of sends running at once (each holds a database connection); sends arriving
     * while all run wait and are then written together, in one statement and one commit (group
     * commit, {@code DeliveryQueue}).
     */
    @WithDefault("2")
    int deliveryWriters();

    /** Most sends one write statement takes from the waiting ones. */
    @WithDefault("32")
    int deliveryBatchSize();

    /** Messages purged per retention transaction (short transactions, no long locks). */
    @WithDefault("500")
    int retentionBatchSize();

    /** How often the trash and the Idempotency-Keys are checked for entries past their retention. */
    @WithDefault("1h")
    Duration retentionCheck();

    /** How often the MAILBOX_ACCESSED counts of the finished minutes are written as events. */
    @WithDefault("10s")
    Duration accessLogFlush();

    /**
     * The proxies (addresses or CIDR ranges: the gateway's) whose X-Forwarded-For names the client in
     * events; application.properties hands it to {@code quarkus.http.proxy.trusted-proxies}. Required
     * and without a default here on purpose: Quarkus trusts every peer when that list is empty, so an
     * empty value must stop the service at start, not open the access log to forged addresses.
     */
    List<String> trustedProxies();
}
