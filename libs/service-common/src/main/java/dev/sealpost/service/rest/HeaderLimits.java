package dev.sealpost.service.rest;

import dev.sealpost.service.config.HeaderLimitsConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;

/**
 * 414 and 431 as problems (finding 10 of issue 28: a 1 MB token got an empty 431). Vert.x refuses a
 * head over its decoder limits before Quarkus sees the request and offers no hook for that answer,
 * so the decoder limits are a ceiling (64 KiB of headers, 16 KiB of request line) and this first
 * route of the router holds every request to the configured, lower limits. Only a head above the
 * ceiling still gets Vert.x's empty answer, and its connection is closed.
 */
@ApplicationScoped
public class HeaderLimits {

    /** The length of " HTTP/1.1" after the target, counted as Netty counts the request line. */
    private static final int VERSION_AND_SPACES = 10;

    private final int maxHeaderBytes;
    private final int maxRequestLineBytes;
    private final String headersTooLarge;
    private final String requestLineTooLong;

    public HeaderLimits(HeaderLimitsConfig config) {
        this.maxHeaderBytes = config.maxHeaderBytes();
        this.maxRequestLineBytes = config.maxRequestLineBytes();
        this.headersTooLarge = Problem.json(431, "Request Header Fields Too Large",
                "the request's headers exceed " + maxHeaderBytes + " bytes");
        this.requestLineTooLong = Problem.json(414, "URI Too Long",
                "the request line exceeds " + maxRequestLineBytes + " bytes");
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.method().name().length() + request.uri().length() + VERSION_AND_SPACES > maxRequestLineBytes) {
            refuse(request, 414, requestLineTooLong);
        } else if (headerBytes(request.headers()) > maxHeaderBytes) {
            refuse(request, 431, headersTooLarge);
        } else {
            context.next();
        }
    }

    private long headerBytes(MultiMap headers) {
        long bytes = 0;
        for (Map.Entry<String, String> header : headers) {
            bytes += header.getKey().length() + 2 + header.getValue().length();
            if (bytes > maxHeaderBytes) {
                break;
            }
        }
        return bytes;
    }

    /** The body is not read: on HTTP/1.x the connection is closed after the answer, as Vert.x does. */
    private static void refuse(HttpServerRequest request, int status, String problem) {
        HttpServerResponse response = request.response();
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        boolean http1 = request.version() != HttpVersion.HTTP_2;
        if (http1) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.end(problem).onComplete(written -> {
            if (http1) {
                request.connection().close();
            }
        });
    }
}
