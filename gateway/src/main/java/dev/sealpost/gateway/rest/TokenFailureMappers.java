package dev.sealpost.gateway.rest;

import dev.sealpost.service.rest.Problem;
import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationFailedException;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Problem bodies for tokens that fail: Quarkus hands a failed token check to the exception mappers
 * (authentication is not proactive here, see application.properties).
 */
public class TokenFailureMappers {

    /** A token that is not valid for a Sealpost realm: 401, and no detail on what was wrong. */
    @ServerExceptionMapper
    public RestResponse<Problem> invalidToken(AuthenticationFailedException exception) {
        return RestResponse.ResponseBuilder.<Problem>create(401)
                .entity(Problem.of(401, "Unauthorized", "a valid access token from a Sealpost realm is required"))
                .type(Problem.MEDIA_TYPE).header("WWW-Authenticate", "Bearer").build();
    }

    /** The realm's Keycloak cannot be reached, so the token cannot be checked: 503, never let through. */
    @ServerExceptionMapper
    public RestResponse<Problem> providerUnavailable(OIDCException exception) {
        return RestResponse.ResponseBuilder.<Problem>create(503)
                .entity(Problem.of(503, "Service Unavailable", "the identity provider of this token cannot be reached; retry later"))
                .type(Problem.MEDIA_TYPE).header("Retry-After", "5").build();
    }
}
