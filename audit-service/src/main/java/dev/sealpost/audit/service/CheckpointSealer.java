package dev.sealpost.audit.service;

import dev.sealpost.audit.client.KeyServiceClient;
import dev.sealpost.audit.repository.CheckpointRepository;
import dev.sealpost.crypto.AuditCheckpoint;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
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

    private final CheckpointRepository checkpoints;
    private final KeyServiceClient keyService;

    public CheckpointSealer(CheckpointRepository checkpoints, KeyServiceClient keyService) {
        this.checkpoints = checkpoints;
        this.keyService = keyService;
    }

    void warnWithoutCredential(@Observes StartupEvent start) {
        if (!keyService.canSign()) {
            LOG.warn("SEALPOST_AUDIT_CLIENT_SECRET is not set: no hash-chain checkpoint will be signed");
        }
    }

    @Scheduled(every = "${sealpost.audit.checkpoint-every}", delayed = "20s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
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
        return checkpoints.unsealedHeads()
                .chain(heads -> Multi.createFrom().iterable(heads)
                        .onItem().transformToUniAndConcatenate(head -> seal(head.tenant(), head.seq(), head.hash())
                                .map(sealed -> (Throwable) null).onFailure().recoverWithItem(failure -> failure))
                        .collect().asList()
                        .map(outcomes -> {
                            outcomes.stream().filter(Objects::nonNull).findFirst().ifPresent(failure -> {
                                throw failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
                            });
                            return outcomes.size();
                        }));
    }

    private Uni<Void> seal(String tenant, long position, byte[] hash) {
        return keyService.sign(tenant, position, hash).chain(signed -> keyService.auditKeys(tenant).chain(keys -> {
            AuditCheckpoint checkpoint = signed.checkpoint();
            Map<String, String> jwk = keys.get(signed.kid());
            if (jwk == null || !checkpoint.verify(jwk) || !checkpoint.tenant().equals(tenant) || checkpoint.position() != position
                    || !MessageDigest.isEqual(checkpoint.chainHash(), hash)) {
                throw new IllegalStateException("key-service returned a checkpoint that does not verify for " + tenant);
            }
            return checkpoints.store(checkpoint, signed.kid());
        }));
    }
}
