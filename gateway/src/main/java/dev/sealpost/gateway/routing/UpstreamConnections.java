package dev.sealpost.gateway.routing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.util.TypeLiteral;

import java.net.ConnectException;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * How the proxy reaches one service (SmallRye Fault Tolerance, programmatic): a connection that
 * cannot be made is tried twice more — safe for every method, because nothing of the request has
 * been sent yet — and a circuit breaker stops trying for 10 s once half of the last 10 attempts
 * failed, so that clients get a fast 502 instead of waiting on a service that is down. A request
 * the service received is never sent twice. The breaker's state is the metric
 * {@code sealpost_gateway_upstream_circuit_open{upstream}} (1 while open); the retries are counted in
 * {@code sealpost_gateway_upstream_connect_retries_total{upstream}}.
 */
final class UpstreamConnections {

    private static final TypeLiteral<Uni<HttpClientRequest>> CONNECTION = new TypeLiteral<>() {
    };

    /** How long the circuit stays open before a request is let through to try the service again. */
    static final java.time.Duration CIRCUIT_DELAY = java.time.Duration.ofSeconds(10);

    private final SocketAddress address;
    /** The longest wait for a connection, the pool's queue included (RequestOptions' connect timeout covers both). */
    private final long connectionWaitMillis;
    private final TypedGuard<Uni<HttpClientRequest>> guard;

    UpstreamConnections(String name, URI upstream, MeterRegistry metrics, java.time.Duration connectionWait) {
        this.connectionWaitMillis = connectionWait.toMillis();
        this.address = SocketAddress.inetSocketAddress(upstream.getPort(), upstream.getHost());
        AtomicInteger open = metrics.gauge("sealpost.gateway.upstream.circuit.open", Tags.of("upstream", name), new AtomicInteger());
        Counter retries = metrics.counter("sealpost.gateway.upstream.connect.retries", Tags.of("upstream", name));
        this.guard = TypedGuard.create(CONNECTION)
                .withRetry().maxRetries(2).delay(100, ChronoUnit.MILLIS).retryOn(ConnectException.class)
                .onRetry(retries::increment).done()
                .withCircuitBreaker().name("upstream-" + name).requestVolumeThreshold(10).failureRatio(0.5).delay(CIRCUIT_DELAY.toSeconds(), ChronoUnit.SECONDS)
                .successThreshold(2).failOn(ConnectException.class)
                .onStateChange(state -> open.set(state == CircuitBreakerState.OPEN ? 1 : 0)).done()
                .build();
    }

    /** For {@code HttpProxy.originRequestProvider}: a request to the service, through the guard. */
    BiFunction<HttpServerRequest, HttpClient, Future<HttpClientRequest>> provider(Vertx vertx) {
        return (request, client) -> {
            Context context = vertx.getOrCreateContext();
            Uni<HttpClientRequest> connect = Uni.createFrom().completionStage(
                    () -> client.request(new RequestOptions().setServer(address).setConnectTimeout(connectionWaitMillis)).toCompletionStage());
            return Future.fromCompletionStage(guard.get(() -> connect).subscribeAsCompletionStage(), context);
        };
    }
}
