package dev.sealpost.mail.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/** The REST application of the mail-service; its API is described at /q/openapi. */
@OpenAPIDefinition(info = @Info(title = "Sealpost mail-service", version = "0.1.0",
        description = "Mailboxes of ciphertext messages and per-recipient wrapped keys"))
public class MailServiceApplication extends Application {
}
