package dev.sealpost.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@link SecurityEvent} as an OCSF event (schema 1.3.0), for SIEMs that ingest OCSF: the class
 * and activity from {@link SecurityEventType}, {@code type_uid = class_uid * 100 + activity_id},
 * the actor as {@code actor.user} (uid = issuer + subject, the identity; e-mail informational),
 * the client as {@code src_endpoint} and {@code http_request.user_agent}, and Sealpost's own fields
 * (tenant, target, event type) under {@code unmapped}.
 */
public final class OcsfMapping {

    public static final String SCHEMA_VERSION = "1.3.0";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OcsfMapping() {
    }

    public static ObjectNode toOcsf(SecurityEvent event) {
        SecurityEventType type = event.type();
        boolean success = event.outcome() == SecurityEvent.Outcome.SUCCESS;
        ObjectNode ocsf = MAPPER.createObjectNode();
        ocsf.put("class_uid", type.category().ocsfClassUid());
        ocsf.put("category_uid", type.category().ocsfCategoryUid());
        ocsf.put("activity_id", type.ocsfActivityId());
        ocsf.put("type_uid", type.category().ocsfClassUid() * 100L + type.ocsfActivityId());
        ocsf.put("time", event.time().toEpochMilli());
        boolean alert = type.category() == SecurityEventType.Category.DETECTION_FINDING;
        ocsf.put("severity_id", alert ? 4 : success ? 1 : 3); // High for alerts, Medium for failures, else Informational
        ocsf.put("status_id", success ? 1 : 2);
        ocsf.put("status", success ? "Success" : "Failure");
        if (event.reason() != null) {
            ocsf.put("status_detail", event.reason());
        }
        ocsf.put("message", type.description());

        ObjectNode metadata = ocsf.putObject("metadata");
        metadata.put("version", SCHEMA_VERSION);
        metadata.put("uid", event.id().toString());
        if (event.requestId() != null) {
            metadata.put("correlation_uid", event.requestId());
        }
        ObjectNode product = metadata.putObject("product");
        product.put("name", "Sealpost");
        product.put("vendor_name", "Sealpost");
        product.put("feature", MAPPER.createObjectNode().put("name", event.service()));
        metadata.put("tenant_uid", event.tenant());

        ObjectNode user = ocsf.putObject("actor").putObject("user");
        user.put("uid", event.actor().issuer() + "#" + event.actor().subject());
        if (event.actor().address() != null) {
            user.put("email_addr", event.actor().address());
        }
        if (event.sourceIp() != null) {
            ocsf.putObject("src_endpoint").put("ip", event.sourceIp());
        }
        if (event.userAgent() != null) {
            ocsf.putObject("http_request").put("user_agent", event.userAgent());
        }
        if (type.category() == SecurityEventType.Category.API_ACTIVITY) {
            ObjectNode api = ocsf.putObject("api");
            api.put("operation", type.name());
            api.putObject("service").put("name", event.service());
        }
        if (alert) {
            ObjectNode finding = ocsf.putObject("finding_info");
            finding.put("uid", event.id().toString());
            finding.put("title", type.description());
        }
        ObjectNode unmapped = ocsf.putObject("unmapped");
        unmapped.put("sealpost_type", type.name());
        unmapped.put("tenant", event.tenant());
        if (event.owner() != null) {
            unmapped.put("owner_uid", event.owner().issuer() + "#" + event.owner().subject());
        }
        if (event.target() != null) {
            unmapped.put("target", event.target());
        }
        return ocsf;
    }

    public static String toJson(SecurityEvent event) {
        return toOcsf(event).toString();
    }
}
