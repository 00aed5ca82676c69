package dev.sealpost.keys.rest;

import dev.sealpost.keys.service.PassportIssuer;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import io.smallrye.common.annotation.NonBlocking;

/** The gateway exchanges a validated external identity for a passport. Not routed by the gateway. */
@Path("/internal/passports")
public class PassportResource {

    private final PassportIssuer issuer;

    public PassportResource(PassportIssuer issuer) {
        this.issuer = issuer;
    }

    @POST
    @NonBlocking // signing with the cached key is a few microseconds of CPU; no I/O
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a passport (gateway only, HTTP Basic with the gateway's client credential)")
    public PassportIssuer.Issued issue(PassportIssuer.Request request) {
        // the gateway's credential was checked before the body was read (InternalClientFilter)
        return issuer.issue(request);
    }
}
