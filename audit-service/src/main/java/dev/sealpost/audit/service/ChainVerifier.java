package dev.sealpost.audit.service;

import dev.sealpost.audit.client.KeyServiceClient;
import dev.sealpost.audit.domain.IndexedColumns;
import dev.sealpost.audit.repository.AuditEventRepository;
import dev.sealpost.audit.repository.AuditEventRepository.ChainRow;
import dev.sealpost.audit.repository.CheckpointRepository;
import dev.sealpost.audit.repository.CheckpointRepository.StoredCheckpoint;
import dev.sealpost.crypto.AuditCheckpoint;
import dev.sealpost.events.SecurityEventCodec;
import dev.sealpost.service.rest.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Walks a tenant's hash chain over a range of positions, recomputing every row's hash in the
 * database and checking each link, and names the first position that does not hold: a changed row
 * (its hash no longer matches its content), a changed column (a column the queries read no longer
 * equals the value derived from the hashed content, {@link IndexedColumns}), a deleted row (a gap in
 * the positions) or reordered rows (a row that does not point at its predecessor). Pages of 1,000
 * rows keep memory bounded.
 */
@ApplicationScoped
public class ChainVerifier {

    private static final int PAGE = 1_000;
    private static final long MAX_RANGE = 10_000_000;
    private static final byte[] GENESIS = new byte[32];

    private final AuditEventRepository events;
    private final CheckpointRepository checkpoints;
    private final KeyServiceClient keyService;

    public ChainVerifier(AuditEventRepository events, CheckpointRepository checkpoints, KeyServiceClient keyService) {
        this.events = events;
        this.checkpoints = checkpoints;
        this.keyService = keyService;
    }

    /**
     * The outcome: intact over [from, to], or the first broken position and why; and how many of
     * key-service's signed checkpoints in the range were checked.
     */
    public record Result(String tenant, long from, long to, long checked, boolean intact, Long firstBrokenPosition, String problem,
            int checkpointsVerified) {
        Result withCheckpoints(int verified) {
            return new Result(tenant, from, to, checked, intact, firstBrokenPosition, problem, verified);
        }
    }

    /** The chain over the range, then every signed checkpoint in it; the earlier failure is reported. */
    public Uni<Result> verify(String tenant, Long fromOrNull, Long toOrNull) {
        // the head is read once: the chain walk and the checkpoints are judged against the same position
        return events.headSeq(tenant).chain(headSeq -> verifyChain(tenant, fromOrNull, toOrNull, headSeq).chain(chain -> {
            // checkpoints past the head too when the range runs to the end: rows cut off the end are found that way
            long last = toOrNull == null || toOrNull >= headSeq ? Long.MAX_VALUE : chain.to();
            return verifyCheckpoints(tenant, chain.from(), last, headSeq, chain);
        }));
    }

    private Uni<Result> verifyCheckpoints(String tenant, long from, long last, long headSeq, Result chain) {
        return checkpoints.inRange(tenant, from, last).chain(stored -> {
            if (stored.isEmpty()) {
                return Uni.createFrom().item(chain.withCheckpoints(0));
            }
            return keyService.auditKeys(tenant)
                    .onFailure().transform(failure -> new ProblemException(503, "Service Unavailable",
                            "key-service is unreachable; the signed checkpoints cannot be checked now"))
                    .map(keys -> {
                        int verified = 0;
                        for (StoredCheckpoint row : stored) {
                            long position = row.position();
                            if (!chain.intact() && chain.firstBrokenPosition() <= position) {
                                break; // the chain already broke earlier
                            }
                            byte[] signedHash = row.chainHash();
                            AuditCheckpoint checkpoint = new AuditCheckpoint(tenant, position, row.timestampMillis(), signedHash,
                                    row.signature());
                            Map<String, String> jwk = keys.get(row.kid());
                            String signedAt = Instant.ofEpochMilli(checkpoint.timestampMillis()).toString();
                            if (jwk == null || !checkpoint.verify(jwk)) {
                                return failed(chain, position, verified, "the checkpoint stored for this position does not carry a "
                                        + "valid key-service signature");
                            }
                            if (position > headSeq || row.rowHash() == null) {
                                return failed(chain, Math.min(position, headSeq + 1), verified, "rows up to position " + position
                                        + ", sealed by key-service at " + signedAt + ", are missing");
                            }
                            if (!MessageDigest.isEqual(row.rowHash(), signedHash)) {
                                return failed(chain, position, verified, "the chain up to here differs from the checkpoint key-service "
                                        + "signed at " + signedAt + ": a row before it was changed and the chain recomputed");
                            }
                            verified++;
                        }
                        return chain.withCheckpoints(verified);
                    });
        });
    }

    private static Result failed(Result chain, long position, int verified, String problem) {
        return new Result(chain.tenant(), chain.from(), chain.to(), chain.checked(), false, position, problem, verified);
    }

    private Uni<Result> verifyChain(String tenant, Long fromOrNull, Long toOrNull, long headSeq) {
        long from = fromOrNull == null ? 1 : fromOrNull;
        long to = toOrNull == null ? headSeq : Math.min(toOrNull, headSeq);
        if (from < 1 || to < from - 1 || to - from > MAX_RANGE) {
            throw ProblemException.badRequest("need 1 <= from <= to, at most " + MAX_RANGE + " positions at a time");
        }
        if (to < from) {
            return Uni.createFrom().item(new Result(tenant, from, to, 0, true, null, null, 0));
        }
        Uni<byte[]> start = from == 1 ? Uni.createFrom().item(GENESIS)
                : events.hashAt(tenant, from - 1).map(hash -> hash.orElse(null));
        return start.chain(previous -> previous == null
                ? Uni.createFrom().item(new Result(tenant, from, to, 0, false, from - 1, "the row before the range is missing", 0))
                : page(tenant, from, to, from, previous, 0));
    }

    private Uni<Result> page(String tenant, long from, long to, long expectedSeq, byte[] previousHash, long checked) {
        long pageEnd = Math.min(to, expectedSeq + PAGE - 1);
        return events.chain(tenant, expectedSeq, pageEnd)
                .chain(rows -> {
                    long expected = expectedSeq;
                    byte[] previous = previousHash;
                    long done = checked;
                    for (ChainRow row : rows) {
                        long seq = row.seq();
                        if (seq != expected) {
                            return broken(tenant, from, to, done, expected, seq < expected ? "two rows claim this position"
                                    : "the row at this position is missing");
                        }
                        if (!MessageDigest.isEqual(row.prevHash(), previous)) {
                            return broken(tenant, from, to, done, seq, "the row does not follow its predecessor (reordered or replaced)");
                        }
                        byte[] hash = row.hash();
                        if (!MessageDigest.isEqual(row.recomputedHash(), hash)) {
                            return broken(tenant, from, to, done, seq, "the row's content does not match its hash (changed)");
                        }
                        String columns = columnProblem(row);
                        if (columns != null) {
                            return broken(tenant, from, to, done, seq, columns);
                        }
                        previous = hash;
                        expected++;
                        done++;
                    }
                    if (expected <= pageEnd) {
                        return broken(tenant, from, to, done, expected, "the row at this position is missing");
                    }
                    if (pageEnd == to) {
                        return Uni.createFrom().item(new Result(tenant, from, to, done, true, null, null, 0));
                    }
                    return page(tenant, from, to, expected, previous, done);
                });
    }

    /**
     * Whether the row's queried columns are the ones its hashed payload gives (the hash covers only
     * the payload, so a column changed on its own would otherwise hide or misfile the event in every
     * query while the chain still holds); null when they are, otherwise what differs.
     */
    private static String columnProblem(ChainRow row) {
        IndexedColumns derived;
        try {
            derived = IndexedColumns.of(SecurityEventCodec.fromJson(row.payload()));
        } catch (IllegalArgumentException e) {
            return "the row's content is not a valid security event";
        }
        List<String> differing = row.stored().differencesFrom(derived);
        return differing.isEmpty() ? null
                : "the row's " + String.join(", ", differing) + " differs from its hashed content (changed outside the chain)";
    }

    private static Uni<Result> broken(String tenant, long from, long to, long checked, long position, String problem) {
        return Uni.createFrom().item(new Result(tenant, from, to, checked, false, position, problem, 0));
    }
}
