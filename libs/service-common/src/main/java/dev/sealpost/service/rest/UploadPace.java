package dev.sealpost.service.rest;

import dev.sealpost.service.config.UploadConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Cuts off a request body that arrives too slowly (finding 3 of issue 28: three sockets sending 1 KiB
 * every 2 s of a declared 26 MB held mail-service's in-flight budget for everyone). Once a second it
 * compares the bytes read with the minimum rate times the time since the body began; past the grace
 * period, a body behind that pace is answered with a 408 problem and its connection closed, which ends
 * the request and so releases whatever it reserved.
 */
@ApplicationScoped
public class UploadPace {

    private static final long CHECK_EVERY_MILLIS = 1_000;
    private static final String TOO_SLOW = Problem.json(408, "Request Timeout", "the request body arrived too slowly");

    private final Vertx vertx;
    private final long minBytesPerSecond;
    private final long graceMillis;

    public UploadPace(Vertx vertx, UploadConfig config) {
        this.vertx = vertx;
        this.minBytesPerSecond = config.minBytesPerSecond();
        this.graceMillis = config.grace().toMillis();
    }

    /** Watches the request's body until it has arrived or the request ended. */
    public void watch(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.isEnded()) {
            return;
        }
        long started = System.nanoTime();
        long timer = vertx.setPeriodic(CHECK_EVERY_MILLIS, id -> {
            if (request.isEnded() || request.response().ended() || request.response().closed()) {
                vertx.cancelTimer(id);
                return;
            }
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            if (elapsedMillis >= graceMillis && request.bytesRead() * 1_000 < minBytesPerSecond * elapsedMillis) {
                vertx.cancelTimer(id);
                tooSlow(request);
            }
        });
        // called when the response ends or the connection closes, whichever comes first
        context.addEndHandler(ended -> vertx.cancelTimer(timer));
    }

    private static void tooSlow(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (!response.headWritten()) {
            response.setStatusCode(408).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close").end(TOO_SLOW);
        }
        request.connection().close();
    }
}
