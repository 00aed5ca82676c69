package dev.sealpost.service.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.ConfigMapping;

/**
 * Request body sizes, each written once: the gateway refuses larger bodies from their
 * Content-Length with a 413 problem, and mail-service refuses a larger message the same way
 * ({@code MessageSizeFilter}, {@code MailService}). {@code quarkus.http.limits.max-body-size} is only
 * the transport's ceiling above these (Vert.x answers past it without a problem body).
 * Environment: {@code SEALPOST_LIMITS_MESSAGE_BYTES}, {@code SEALPOST_LIMITS_JSON_BYTES}.
 */
@ConfigMapping(prefix = "sealpost.limits")
public interface BodyLimitsConfig {

    /** A sealed message, {@code POST /api/mail/messages}: 25 MiB. */
    @WithDefault("26214400")
    long messageBytes();

    /** Every other request body (JSON, key bundles and backups), at the gateway and in mail-service: 64 KiB. */
    @WithDefault("65536")
    long jsonBytes();
}
