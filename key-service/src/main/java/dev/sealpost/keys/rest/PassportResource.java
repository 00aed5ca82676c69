package dev.sealpost.keys.rest;

import dev.sealpost.keys.service.InternalClientCredentials;
import dev.sealpost.keys.service.PassportIssuer;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import io.smallrye.common.annotation.NonBlocking;
import org.jboss.resteasy.reactive.RestHeader;

/** The gateway exchanges a validated external identity for a passport. Not routed by the gateway. */
@Path("/internal/passports")
public class PassportResource {

    private final InternalClientCredentials credentials;
    private final PassportIssuer issuer;

    public PassportResource(InternalClientCredentials credentials, PassportIssuer issuer) {
        this.credentials = credentials;
        this.issuer = issuer;
    }

    @POST
    @NonBlocking // signing with the cached key is a few microseconds of CPU; no I/O
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a passport (gateway only, HTTP Basic with the gateway's client credential)")
    public PassportIssuer.Issued issue(@RestHeader("Authorization") String authorization, PassportIssuer.Request request) {
        credentials.requireGateway(authorization);
        return issuer.issue(request);
    }
}
