package dev.sealpost.keys.rest;

import dev.sealpost.keys.service.InternalClientCredentials;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * The client credential of the internal endpoints is checked after routing and before the body is
 * read: a caller without it learns nothing about how a body is parsed and costs no parsing. Chosen by
 * the matched resource class, not by a path prefix, so no spelling of the path can step around it.
 */
public class InternalClientFilter {

    private final InternalClientCredentials credentials;

    public InternalClientFilter(InternalClientCredentials credentials) {
        this.credentials = credentials;
    }

    @ServerRequestFilter
    public void requireInternalClient(ContainerRequestContext request, SimpleResourceInfo resource) {
        Class<?> matched = resource.getResourceClass();
        if (matched == PassportResource.class) {
            credentials.requireGateway(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        } else if (matched == AuditCheckpointResource.class) {
            credentials.requireAudit(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        }
    }
}
