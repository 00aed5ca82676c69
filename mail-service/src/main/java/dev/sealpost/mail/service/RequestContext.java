package dev.sealpost.mail.service;

import dev.sealpost.events.SecurityEvent;

/**
 * Who is asking from where, for events: the client address, user agent and request id. Cut to the
 * length an event keeps as soon as a request is read: the access log holds these for up to a minute
 * per client, and a header may be 16 KB.
 */
public record RequestContext(String sourceIp, String userAgent, String requestId) {

    public RequestContext {
        sourceIp = cut(sourceIp);
        userAgent = cut(userAgent);
        requestId = cut(requestId);
    }

    private static String cut(String value) {
        return value == null || value.length() <= SecurityEvent.MAX_FIELD_LENGTH ? value : value.substring(0, SecurityEvent.MAX_FIELD_LENGTH);
    }
}
