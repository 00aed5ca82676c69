package dev.sealpost.mail.rest;

import dev.sealpost.mail.service.RequestContext;
import io.vertx.core.http.HttpServerRequest;

/** The client as events record it. X-Forwarded-For is set by the gateway, the only public door. */
final class RequestContexts {

    private RequestContexts() {
    }

    static RequestContext of(HttpServerRequest request) {
        String forwarded = request.getHeader("X-Forwarded-For");
        String sourceIp = forwarded != null && !forwarded.isBlank() ? forwarded.split(",")[0].trim()
                : request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        return new RequestContext(sourceIp, request.getHeader("User-Agent"), request.getHeader("X-Request-Id"));
    }
}
