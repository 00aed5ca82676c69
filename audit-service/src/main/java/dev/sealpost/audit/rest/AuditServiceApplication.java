package dev.sealpost.audit.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/** The REST application of the audit-service; its API is described at /q/openapi. */
@OpenAPIDefinition(info = @Info(title = "Sealpost audit-service", version = "0.1.0",
        description = "Security events from Kafka: every user's own security log and the SOC's queries"))
public class AuditServiceApplication extends Application {
}
