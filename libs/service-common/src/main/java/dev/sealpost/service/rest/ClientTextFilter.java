package dev.sealpost.service.rest;

import dev.sealpost.events.ClientText;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;
import java.util.Map;

/**
 * The one place where each service checks the text a client puts into the URL: a path segment or a
 * query parameter that holds a control character (NUL among them) is refused with a 400 problem
 * naming it, before routing. No Sealpost value is ever allowed to contain one, and PostgreSQL refuses
 * a NUL in text (SQLSTATE 22021) — unchecked, such a value reached a query and became a 500.
 * Malformed percent-encoding is refused the same way.
 */
public class ClientTextFilter {

    @ServerRequestFilter(preMatching = true, priority = jakarta.ws.rs.Priorities.AUTHENTICATION - 100)
    public Response refuseControlCharacters(ContainerRequestContext request) {
        List<PathSegment> segments;
        MultivaluedMap<String, String> query;
        try {
            segments = request.getUriInfo().getPathSegments(true);
            query = request.getUriInfo().getQueryParameters(true);
        } catch (IllegalArgumentException malformed) {
            return BodyRules.problem(400, "Bad Request", "the request URL is not validly percent-encoded");
        }
        for (PathSegment segment : segments) {
            if (hasControl(segment.getPath())) {
                return BodyRules.problem(400, "Bad Request", "the request path contains a control character");
            }
        }
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            if (hasControl(parameter.getKey())) {
                return BodyRules.problem(400, "Bad Request", "a query parameter name contains a control character");
            }
            for (String value : parameter.getValue()) {
                if (hasControl(value)) {
                    return BodyRules.problem(400, "Bad Request",
                            "query parameter '" + parameter.getKey() + "' contains a control character");
                }
            }
        }
        return null;
    }

    static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (ClientText.isControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
