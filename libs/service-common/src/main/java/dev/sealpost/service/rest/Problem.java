package dev.sealpost.service.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, the body of every error answer. {@code detail} is written for the
 * caller and never carries a stack trace, a token or key material.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null);
    }

    /** The problem as JSON text, for answers written below Quarkus REST (Vert.x handlers). */
    public static String json(int status, String title, String detail) {
        return new io.vertx.core.json.JsonObject().put("type", "about:blank").put("title", title).put("status", status)
                .put("detail", detail).encode();
    }
}
