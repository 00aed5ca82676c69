package dev.sealpost.keys.rest;

import dev.sealpost.keys.service.AuditCheckpointSigner;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** audit-service has its hash-chain checkpoints signed. Not routed by the gateway. */
@Path("/internal/audit-checkpoints")
public class AuditCheckpointResource {

    private final AuditCheckpointSigner signer;

    public AuditCheckpointResource(AuditCheckpointSigner signer) {
        this.signer = signer;
    }

    @POST
    @NonBlocking // the key is cached; signing is CPU only
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sign a hash-chain checkpoint with the tenant's audit key (audit-service only, HTTP Basic)")
    public AuditCheckpointSigner.Signed sign(AuditCheckpointSigner.Request request) {
        // audit-service's credential was checked before the body was read (InternalClientFilter)
        return signer.sign(request);
    }
}
