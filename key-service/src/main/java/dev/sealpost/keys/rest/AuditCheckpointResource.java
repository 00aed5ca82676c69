package dev.sealpost.keys.rest;

import dev.sealpost.keys.service.AuditCheckpointSigner;
import dev.sealpost.keys.service.InternalClientCredentials;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestHeader;

/** audit-service has its hash-chain checkpoints signed. Not routed by the gateway. */
@Path("/internal/audit-checkpoints")
public class AuditCheckpointResource {

    private final InternalClientCredentials credentials;
    private final AuditCheckpointSigner signer;

    public AuditCheckpointResource(InternalClientCredentials credentials, AuditCheckpointSigner signer) {
        this.credentials = credentials;
        this.signer = signer;
    }

    @POST
    @NonBlocking // the key is cached; signing is CPU only
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Sign a hash-chain checkpoint with the tenant's audit key (audit-service only, HTTP Basic)")
    public AuditCheckpointSigner.Signed sign(@RestHeader("Authorization") String authorization, AuditCheckpointSigner.Request request) {
        credentials.requireAudit(authorization);
        return signer.sign(request);
    }
}
