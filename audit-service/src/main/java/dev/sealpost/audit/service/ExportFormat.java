package dev.sealpost.audit.service;

import dev.sealpost.events.CefMapping;
import dev.sealpost.events.OcsfMapping;
import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventCodec;

import java.util.Locale;
import java.util.Optional;

/** The line formats of an export; each line is one event and never contains a raw CR or LF. */
public enum ExportFormat {
    /** Our own event JSON, one object per line. */
    JSONL("application/x-ndjson"),
    /** OCSF 1.3 events (JSON), one per line: what SIEMs with an OCSF parser read. */
    OCSF("application/x-ndjson"),
    /** ArcSight Common Event Format lines (text). */
    CEF("text/plain");

    private final String mediaType;

    ExportFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public String line(SecurityEvent event) {
        return switch (this) {
            case JSONL -> SecurityEventCodec.toJson(event);
            case OCSF -> OcsfMapping.toJson(event);
            case CEF -> CefMapping.toCef(event);
        };
    }

    public static Optional<ExportFormat> parse(String value) {
        if (value == null) {
            return Optional.of(JSONL);
        }
        for (ExportFormat format : values()) {
            if (format.name().equals(value.toUpperCase(Locale.ROOT))) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
