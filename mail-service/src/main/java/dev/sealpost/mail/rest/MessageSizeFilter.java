package dev.sealpost.mail.rest;

import dev.sealpost.mail.config.MailConfig;
import dev.sealpost.service.rest.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a message larger than the limit from its Content-Length, before the body is read. (A
 * body without Content-Length is cut off by the HTTP layer's own limit, slightly above ours, and
 * checked again once read.)
 */
public class MessageSizeFilter {

    private final MailConfig config;

    public MessageSizeFilter(MailConfig config) {
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true)
    public Response refuseOversizedMessages(ContainerRequestContext request) {
        if (!"POST".equals(request.getMethod()) || !request.getUriInfo().getPath().startsWith("/api/mail/messages")) {
            return null;
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return null;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return problem(400, "Bad Request", "Content-Length is not a number");
        }
        if (declared > config.maxMessageBytes()) {
            return problem(413, "Content Too Large", "a message has at most " + config.maxMessageBytes() + " bytes");
        }
        return null;
    }

    private static Response problem(int status, String title, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, title, detail)).build();
    }
}
