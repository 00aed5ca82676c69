package dev.sealpost.mail.rest;

import dev.sealpost.mail.service.RequestContext;
import io.vertx.core.http.HttpServerRequest;

/**
 * The client as events record it. Its address is the connection's, or the gateway's
 * X-Forwarded-For when the connection comes from a trusted proxy: Quarkus applies the header only
 * from the addresses of {@code quarkus.http.proxy.trusted-proxies} (application.properties), so a
 * caller who reaches the service directly cannot write another address into its mailbox-access log.
 */
final class RequestContexts {

    private RequestContexts() {
    }

    static RequestContext of(HttpServerRequest request) {
        String sourceIp = request.remoteAddress() == null ? null : request.remoteAddress().host();
        return new RequestContext(sourceIp, request.getHeader("User-Agent"), request.getHeader("X-Request-Id"));
    }
}
