package dev.sealpost.service.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Set;

/**
 * A request that carries a body must say what it is: without {@code Content-Type}, Quarkus REST takes
 * a body for whatever the endpoint consumes (a send without one was stored). Refused with 415 before
 * routing, in every service.
 */
public class BodyRules {

    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

    @ServerRequestFilter(preMatching = true, priority = jakarta.ws.rs.Priorities.AUTHENTICATION - 90)
    public Response requireContentType(ContainerRequestContext request) {
        if (!WITH_BODY.contains(request.getMethod()) || request.getHeaderString(HttpHeaders.CONTENT_TYPE) != null) {
            return null;
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        boolean hasBody = request.getHeaderString("Transfer-Encoding") != null || length != null && !length.trim().equals("0");
        return hasBody ? problem(415, "Unsupported Media Type", "a request body needs a Content-Type") : null;
    }

    static Response problem(int status, String title, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, title, detail)).build();
    }
}
