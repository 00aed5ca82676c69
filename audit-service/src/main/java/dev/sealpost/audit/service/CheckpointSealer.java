package dev.sealpost.audit.service;

import dev.sealpost.audit.client.KeyServiceClient;
import dev.sealpost.crypto.AuditCheckpoint;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Seals each tenant's hash chain periodically: the current head (position and hash) is signed by
 * key-service with the tenant's audit key, the signature is checked against key-service's
 * published key before it is stored (fail closed: nothing unverifiable is kept), and
 * /api/audit/verify holds the record to every checkpoint. Rows written after the last checkpoint
 * are protected by the chain only, so the interval bounds what a rewrite could hide.
 */
@ApplicationScoped
public class CheckpointSealer {

    private static final Logger LOG = Logger.getLogger(CheckpointSealer.class);

    private final Pool pool;
    private final KeyServiceClient keyService;

    public CheckpointSealer(Pool pool, KeyServiceClient keyService) {
        this.pool = pool;
        this.keyService = keyService;
    }

    void warnWithoutCredential(@Observes StartupEvent start) {
        if (!keyService.canSign()) {
            LOG.warn("SEALPOST_AUDIT_CLIENT_SECRET is not set: no hash-chain checkpoint will be signed");
        }
    }

    @Scheduled(every = "${sealpost.audit.checkpoint-every:10m}", delayed = "20s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!keyService.canSign()) {
            return Uni.createFrom().voidItem();
        }
        return sealAll().onFailure().invoke(failure -> LOG.warnf("sealing checkpoints failed (will retry): %s %s",
                failure.getClass().getSimpleName(), failure.getMessage())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Seals every chain (each tenant's and the pseudo-tenant's) that grew since its last checkpoint;
     * returns how many were sealed. One chain that cannot be sealed does not hold up the others: all
     * are tried, then the first failure is reported.
     */
    public Uni<Integer> sealAll() {
        return pool.query("""
                        SELECT h.tenant, h.seq, h.hash FROM audit_chain_head h
                        WHERE h.seq > coalesce((SELECT max(position) FROM audit_checkpoint c WHERE c.tenant = h.tenant), 0)
                        ORDER BY h.tenant""").execute()
                .chain(rows -> {
                    List<Row> heads = new ArrayList<>();
                    rows.forEach(heads::add);
                    return Multi.createFrom().iterable(heads)
                            .onItem().transformToUniAndConcatenate(head -> seal(head.getString("tenant"), head.getLong("seq"),
                                    head.getBuffer("hash").getBytes())
                                    .map(sealed -> (Throwable) null).onFailure().recoverWithItem(failure -> failure))
                            .collect().asList()
                            .map(outcomes -> {
                                outcomes.stream().filter(Objects::nonNull).findFirst().ifPresent(failure -> {
                                    throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
                                });
                                return outcomes.size();
                            });
                });
    }

    private Uni<Void> seal(String tenant, long position, byte[] hash) {
        return keyService.sign(tenant, position, hash).chain(signed -> keyService.auditKeys(tenant).chain(keys -> {
            AuditCheckpoint checkpoint = signed.checkpoint();
            Map<String, String> jwk = keys.get(signed.kid());
            if (jwk == null || !checkpoint.verify(jwk) || !checkpoint.tenant().equals(tenant) || checkpoint.position() != position
                    || !MessageDigest.isEqual(checkpoint.chainHash(), hash)) {
                throw new IllegalStateException("key-service returned a checkpoint that does not verify for " + tenant);
            }
            return pool.preparedQuery("INSERT INTO audit_checkpoint (tenant, position, timestamp_ms, chain_hash, kid, signature) "
                            + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")
                    .execute(Tuple.tuple(List.of(tenant, position, checkpoint.timestampMillis(), Buffer.buffer(hash), signed.kid(),
                            Buffer.buffer(checkpoint.signature()))))
                    .replaceWithVoid();
        }));
    }
}
