package dev.sealpost.service.rest;

import dev.sealpost.service.config.DeadlineConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * A deadline on every request of the application port (finding 9 of issue 28: with PostgreSQL frozen,
 * requests waited for a connection with no time limit). The first route of the router starts a check
 * that runs a few times a second while the request is open; once the deadline has passed since the last
 * byte of the body arrived and the answer has not begun, the client gets a 503 problem with
 * {@code Retry-After}, and on HTTP/1.x the connection is closed so that the late answer of the abandoned
 * request has nowhere to go. Counting from the body's last byte means a large send on a slow line is not
 * cut off (the upload pace bounds that phase); an answer that has begun (a streamed export) is left to finish.
 */
@ApplicationScoped
public class RequestDeadline {

    private final Vertx vertx;
    private final long deadlineNanos;
    private final long checkEveryMillis;
    private final String retryAfterSeconds;
    private final String expired;

    private final Counter expiredCount;

    public RequestDeadline(Vertx vertx, DeadlineConfig config, MeterRegistry metrics) {
        this.vertx = vertx;
        this.expiredCount = Counter.builder("sealpost.requests.deadline.expired")
                .description("requests answered 503 because their deadline passed without an answer").register(metrics);
        this.deadlineNanos = config.deadline().toNanos();
        this.checkEveryMillis = Math.max(10, Math.min(250, config.deadline().toMillis() / 8));
        this.retryAfterSeconds = Long.toString(Math.max(1, config.retryAfter().toSeconds()));
        this.expired = Problem.json(503, "Service Unavailable",
                "no answer within " + config.deadline().toMillis() + " ms; a service this request needs is unavailable");
    }

    private static final String ANSWERED = RequestDeadline.class.getName() + ".answered";
    private static final Logger LOG = Logger.getLogger(RequestDeadline.class);

    void register(@Observes Router router) {
        router.route().order(-1_000).handler(this::arm).failureHandler(RequestDeadline::lateFailure);
    }

    /** The abandoned request's own answer, when it finally comes, cannot be written: expected, not an error. */
    private static void lateFailure(RoutingContext context) {
        if (Boolean.TRUE.equals(context.get(ANSWERED))) {
            LOG.debugf("a request answered at its deadline ended later: %s", context.failure());
            return;
        }
        context.next();
    }

    private void arm(RoutingContext context) {
        HttpServerRequest request = context.request();
        Progress progress = new Progress(request.bytesRead(), System.nanoTime());
        long timer = vertx.setPeriodic(checkEveryMillis, id -> {
            if (check(context, progress)) {
                vertx.cancelTimer(id);
            }
        });
        // called when the response ends or the connection closes, whichever comes first
        context.addEndHandler(ended -> vertx.cancelTimer(timer));
        context.next();
    }

    /** The body's bytes read so far and when the last of them arrived (touched only on the request's event loop). */
    private static final class Progress {
        long bytesRead;
        long at;

        Progress(long bytesRead, long at) {
            this.bytesRead = bytesRead;
            this.at = at;
        }
    }

    /** True when nothing is left to watch: answered, gone, or answered here. */
    private boolean check(RoutingContext context, Progress progress) {
        HttpServerRequest request = context.request();
        HttpServerResponse response = context.response();
        if (response.ended() || response.closed() || response.headWritten()) {
            return true;
        }
        long now = System.nanoTime();
        if (request.bytesRead() != progress.bytesRead) {
            progress.bytesRead = request.bytesRead();
            progress.at = now;
            return false;
        }
        if (now - progress.at < deadlineNanos) {
            return false;
        }
        context.put(ANSWERED, true);
        expiredCount.increment();
        LOG.warnf("%s request answered 503: no answer within its deadline", request.method());
        response.setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        boolean http1 = request.version() != HttpVersion.HTTP_2;
        if (http1) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.end(expired).onComplete(written -> {
            if (http1) {
                request.connection().close();
            }
        });
        return true;
    }
}
