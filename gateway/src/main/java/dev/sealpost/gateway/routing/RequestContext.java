package dev.sealpost.gateway.routing;

import dev.sealpost.gateway.events.AccessEvents;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Who is asking, as the gateway's events name it: the connection's address (never a header the
 * client could choose), the user agent and the request id — the client's own if it is well formed,
 * else a new one — which goes on to the service and back to the client.
 */
public final class RequestContext {

    static final String REQUEST_ID = "X-Request-Id";
    private static final Pattern VALID_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private RequestContext() {
    }

    /** Sets the request id on the request and the answer, and returns the client as events name it. */
    public static AccessEvents.Client of(RoutingContext context) {
        HttpServerRequest request = context.request();
        String requestId = request.getHeader(REQUEST_ID);
        if (requestId == null || !VALID_REQUEST_ID.matcher(requestId).matches()) {
            requestId = UUID.randomUUID().toString();
        }
        request.headers().set(REQUEST_ID, requestId);
        context.response().putHeader(REQUEST_ID, requestId);
        return new AccessEvents.Client(clientAddress(request), request.getHeader("User-Agent"), requestId);
    }

    static String clientAddress(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }
}
