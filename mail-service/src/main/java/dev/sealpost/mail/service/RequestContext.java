package dev.sealpost.mail.service;

/** Who is asking from where, for events: the client address, user agent and request id. */
public record RequestContext(String sourceIp, String userAgent, String requestId) {
}
