package dev.sealpost.gateway.routing;

import dev.sealpost.service.rest.Problem;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The answer when a service gave none (the proxy's own is a bare 502 with an empty body). A service that
 * cannot be reached — refused, its circuit open, no free connection to it in time — is a 503 problem with
 * {@code Retry-After}: nothing was sent, the client may try again. A service that took the request and then
 * dropped or stalled the connection is a 502 problem: whether it acted on the request is unknown.
 */
final class UpstreamFailures implements ProxyInterceptor {

    private final String service;
    private final String retryAfterSeconds;
    private final String circuitRetryAfterSeconds;

    UpstreamFailures(String service, Duration retryAfter, Duration circuitDelay) {
        this.service = service;
        this.retryAfterSeconds = Long.toString(Math.max(1, retryAfter.toSeconds()));
        this.circuitRetryAfterSeconds = Long.toString(Math.max(1, circuitDelay.toSeconds()));
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        return context.sendRequest().recover(failure -> {
            if (context.request().proxiedRequest().response().ended()) {
                return Future.failedFuture(failure); // the deadline answered already
            }
            ProxyResponse response = context.request().response().release();
            if (failure instanceof CircuitBreakerOpenException) {
                return Future.succeededFuture(problem(response, 503, "Service Unavailable", service + " is unavailable",
                        circuitRetryAfterSeconds));
            }
            if (failure instanceof ConnectException || failure instanceof TimeoutException) {
                return Future.succeededFuture(problem(response, 503, "Service Unavailable", service + " cannot be reached",
                        retryAfterSeconds));
            }
            return Future.succeededFuture(problem(response, 502, "Bad Gateway", service + " gave no answer", null));
        });
    }

    private static ProxyResponse problem(ProxyResponse response, int status, String title, String detail, String retryAfter) {
        response.setStatusCode(status).setStatusMessage(title).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .setBody(Body.body(Buffer.buffer(Problem.json(status, title, detail))));
        if (retryAfter != null) {
            response.putHeader("Retry-After", retryAfter);
        }
        return response;
    }
}
