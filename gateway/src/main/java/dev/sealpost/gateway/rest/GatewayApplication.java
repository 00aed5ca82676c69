package dev.sealpost.gateway.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/** The REST application of the gateway; its API is described at /q/openapi. */
@OpenAPIDefinition(info = @Info(title = "Sealpost gateway", version = "0.1.0",
        description = "The only public entry: sign-in, token checks, limits and routing to the services"))
public class GatewayApplication extends Application {
}
