package dev.sealpost.gateway.routing;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * A request body is judged by its declared length before a byte of it is read: without
 * {@code Content-Length} 411, above the route's limit ({@code sealpost.limits}) 413, a length that is
 * not a number 400 — each a problem.
 */
final class BodyLimits {

    static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    private BodyLimits() {
    }

    /** True if the request may go on; otherwise the problem is answered. */
    static boolean admit(RoutingContext context, long limit) {
        HttpServerRequest request = context.request();
        if (!WITH_BODY.contains(request.method())) {
            return true;
        }
        String length = request.getHeader("Content-Length");
        if (length == null) {
            Problems.send(context, 411, "Length Required", "a request body needs a Content-Length");
            return false;
        }
        try {
            if (Long.parseLong(length) > limit) {
                Problems.send(context, 413, "Content Too Large", "at most " + limit + " bytes here");
                return false;
            }
        } catch (NumberFormatException e) {
            Problems.send(context, 400, "Bad Request", "Content-Length is not a number");
            return false;
        }
        return true;
    }
}
