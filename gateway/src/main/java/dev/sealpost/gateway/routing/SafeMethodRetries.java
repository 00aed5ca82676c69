package dev.sealpost.gateway.routing;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

import java.net.ConnectException;
import java.util.Set;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * Sends a safe request (GET, HEAD, OPTIONS, without a body) to the service again when no answer
 * came back: the connection closed or was reset after the request left (a replica shutting down, a
 * dropped keep-alive connection). The client never sees such a loss unless it happens
 * {@value #MAX_RETRIES} times more.
 *
 * <p>Nothing else is sent twice. A request with a body streams through and no copy is kept; and
 * DELETE, idempotent in HTTP, is not in Sealpost (the first moves a message to the trash, the second
 * purges it). An answer the service did give — a 5xx included — goes to the client as it is: it is
 * the service's considered answer, often with {@code Retry-After}, and repeating the request would
 * only add load to a service that is refusing it (the same choice as nginx's default
 * {@code proxy_next_upstream error timeout}). Connections that could not be made are retried earlier,
 * by {@link UpstreamConnections}, and are not counted again here.
 */
final class SafeMethodRetries implements ProxyInterceptor {

    static final int MAX_RETRIES = 2;
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final Counter retries;

    SafeMethodRetries(Counter retries) {
        this.retries = retries;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        ProxyRequest request = context.request();
        if (!SAFE.contains(request.getMethod()) || hasBody(request.proxiedRequest())) {
            return context.sendRequest();
        }
        // nothing to stream: without a body the request can be written to a new connection again
        request.setBody(null);
        return attempt(context, 0);
    }

    private Future<ProxyResponse> attempt(ProxyContext context, int retry) {
        return context.sendRequest().recover(failure -> {
            boolean noConnection = failure instanceof ConnectException || failure instanceof CircuitBreakerOpenException;
            if (retry >= MAX_RETRIES || noConnection || context.request().proxiedRequest().response().closed()) {
                return Future.failedFuture(failure);
            }
            retries.increment();
            return attempt(context, retry + 1);
        });
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        return request.getHeader("Transfer-Encoding") != null || (length != null && !length.equals("0"));
    }
}
