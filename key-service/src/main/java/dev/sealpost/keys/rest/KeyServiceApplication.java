package dev.sealpost.keys.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/** The REST application of the key-service; its API is described at /q/openapi. */
@OpenAPIDefinition(info = @Info(title = "Sealpost key-service", version = "0.1.0",
        description = "Public-key directory, encrypted key backups, transparency log and per-tenant signing keys"))
public class KeyServiceApplication extends Application {
}
