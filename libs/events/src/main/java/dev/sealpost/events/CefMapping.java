package dev.sealpost.events;

/**
 * A {@link SecurityEvent} as one ArcSight CEF line:
 * {@code CEF:0|Sealpost|Sealpost|0.1|<type>|<description>|<severity>|<extensions>}. Header fields
 * escape {@code \} and {@code |}; extension values escape {@code \}, {@code =} and line breaks, so a
 * hostile user agent cannot forge fields or lines.
 */
public final class CefMapping {

    private CefMapping() {
    }

    public static String toCef(SecurityEvent event) {
        boolean success = event.outcome() == SecurityEvent.Outcome.SUCCESS;
        StringBuilder line = new StringBuilder("CEF:0|Sealpost|Sealpost|0.1|")
                .append(header(event.type().name())).append('|')
                .append(header(event.type().description())).append('|')
                // alerts 8 (high), failures 6, the rest 3 (ArcSight's 0-10 scale)
                .append(event.type().category() == SecurityEventType.Category.DETECTION_FINDING ? 8 : success ? 3 : 6).append('|');
        extension(line, "rt", Long.toString(event.time().toEpochMilli()));
        extension(line, "externalId", event.id().toString());
        extension(line, "cs1Label", "tenant");
        extension(line, "cs1", event.tenant());
        extension(line, "suid", event.actor().issuer() + "#" + event.actor().subject());
        extension(line, "suser", event.actor().address());
        if (event.owner() != null) {
            extension(line, "duid", event.owner().issuer() + "#" + event.owner().subject());
            extension(line, "duser", event.owner().address());
        }
        extension(line, "src", event.sourceIp());
        extension(line, "requestClientApplication", event.userAgent());
        extension(line, "outcome", success ? "success" : "failure");
        extension(line, "reason", event.reason());
        extension(line, "msg", event.target());
        extension(line, "deviceProcessName", event.service());
        extension(line, "cs2Label", "requestId");
        extension(line, "cs2", event.requestId());
        return line.toString().stripTrailing();
    }

    private static String header(String value) {
        return value.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    private static void extension(StringBuilder line, String key, String value) {
        if (value == null) {
            return;
        }
        line.append(key).append('=').append(value.replace("\\", "\\\\").replace("=", "\\=")
                .replace("\r", "\\r").replace("\n", "\\n")).append(' ');
    }
}
