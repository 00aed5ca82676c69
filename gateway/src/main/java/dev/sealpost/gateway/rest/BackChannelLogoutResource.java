package dev.sealpost.gateway.rest;

import dev.sealpost.gateway.events.AccessEvents;
import dev.sealpost.gateway.service.BackChannelLogouts;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Keycloak's back-channel logout (OpenID Connect Back-Channel Logout 1.0): the URL configured as the
 * {@code backchannel.logout.url} of each realm's client whose sessions carry the gateway's tokens.
 */
@Path("/auth/backchannel-logout")
public class BackChannelLogoutResource {

    private final BackChannelLogouts logouts;

    public BackChannelLogoutResource(BackChannelLogouts logouts) {
        this.logouts = logouts;
    }

    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "Keycloak ends a session: the gateway refuses its tokens from now on (200; 400 for an invalid logout token)")
    public RestResponse<Void> logout(@FormParam("logout_token") String logoutToken, @Context HttpServerRequest request) {
        String source = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        logouts.logout(logoutToken, new AccessEvents.Client(source, request.getHeader("User-Agent"), null));
        return RestResponse.ResponseBuilder.<Void>ok().header("Cache-Control", "no-store").build();
    }
}
