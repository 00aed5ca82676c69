package dev.sealpost.keys.rest;

import dev.sealpost.keys.domain.TreeHead;
import dev.sealpost.keys.service.DirectoryLog;
import dev.sealpost.keys.service.Tenants;
import dev.sealpost.service.rest.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.Base64;
import java.util.List;

/**
 * A tenant's transparency log, public like a Certificate Transparency log: it holds only hashes.
 * Clients keep the last tree head they verified and ask for a consistency proof to the next.
 */
@Path("/api/keys/log/{tenant}")
@Produces(MediaType.APPLICATION_JSON)
public class TransparencyLogResource {

    private final DirectoryLog log;
    private final Tenants tenants;

    public TransparencyLogResource(DirectoryLog log, Tenants tenants) {
        this.log = log;
        this.tenants = tenants;
    }

    /** A signed tree head: verify {@code signature} over SignedTreeHead.toBeSigned with the directory JWKS key {@code kid}. */
    public record TreeHeadView(String tenant, long treeSize, long timestampMillis, String rootHash, String kid, String signature) {
        static TreeHeadView of(TreeHead head) {
            Base64.Encoder base64 = Base64.getEncoder();
            return new TreeHeadView(head.tenant(), head.treeSize(), head.timestampMillis(), base64.encodeToString(head.rootHash()),
                    head.kid(), base64.encodeToString(head.signature()));
        }
    }

    public record ProofView(long firstSize, long secondSize, List<String> proof) {
    }

    @GET
    @Path("/tree-head")
    @Operation(summary = "The latest signed tree head of the tenant's directory log")
    public TreeHeadView treeHead(@RestPath String tenant) {
        requireTenant(tenant);
        return TreeHeadView.of(log.latest(tenant).await().atMost(DirectoryResource.TIMEOUT));
    }

    @GET
    @Path("/consistency")
    @Operation(summary = "RFC 9162 consistency proof between two tree sizes")
    public ProofView consistency(@RestPath String tenant, @RestQuery Long from, @RestQuery Long to) {
        requireTenant(tenant);
        TreeHead latest = log.covering(tenant, -1).await().atMost(DirectoryResource.TIMEOUT);
        if (from == null || to == null || from < 1 || to < from || to > latest.treeSize()) {
            throw ProblemException.badRequest("need 1 <= from <= to <= " + latest.treeSize());
        }
        return new ProofView(from, to, encode(log.tree(tenant).consistencyProof(from, to)));
    }

    @GET
    @Path("/inclusion")
    @Operation(summary = "RFC 9162 inclusion proof of a leaf in a tree of the given size")
    public ProofView inclusion(@RestPath String tenant, @RestQuery Long index, @RestQuery Long size) {
        requireTenant(tenant);
        TreeHead latest = log.covering(tenant, -1).await().atMost(DirectoryResource.TIMEOUT);
        if (index == null || size == null || index < 0 || index >= size || size > latest.treeSize()) {
            throw ProblemException.badRequest("need 0 <= index < size <= " + latest.treeSize());
        }
        return new ProofView(index, size, encode(log.tree(tenant).inclusionProof(index, size)));
    }

    private void requireTenant(String tenant) {
        if (!tenants.exists(tenant)) {
            throw ProblemException.notFound("no such tenant");
        }
    }

    private static List<String> encode(List<byte[]> proof) {
        return proof.stream().map(Base64.getEncoder()::encodeToString).toList();
    }
}
