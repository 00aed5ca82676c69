package dev.sealpost.mail.rest;

import dev.sealpost.mail.config.MailConfig;
import dev.sealpost.mail.service.InFlightMessageBytes;
import dev.sealpost.service.rest.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import io.vertx.ext.web.RoutingContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a message larger than the limit from its Content-Length, before the body is read. (A
 * body without Content-Length is cut off by the HTTP layer's own limit, slightly above ours, and
 * checked again once read.) Then takes the body's bytes from the in-flight budget until the
 * request ends, or refuses the send with 503 when the budget is spent ({@link InFlightMessageBytes}).
 */
public class MessageSizeFilter {

    private final MailConfig config;
    private final InFlightMessageBytes inFlight;

    public MessageSizeFilter(MailConfig config, InFlightMessageBytes inFlight) {
        this.config = config;
        this.inFlight = inFlight;
    }

    @ServerRequestFilter(preMatching = true)
    public Response refuseOversizedMessages(ContainerRequestContext request, RoutingContext routing) {
        if (!"POST".equals(request.getMethod()) || !request.getUriInfo().getPath().startsWith("/api/mail/messages")) {
            return null;
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return reserve(config.maxMessageBytes(), routing); // as large as it may become
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
        return reserve(declared, routing);
    }

    private Response reserve(long bytes, RoutingContext routing) {
        if (!inFlight.tryReserve(bytes)) {
            return Response.fromResponse(problem(503, "Service Unavailable", "too many messages are being received right now; retry shortly"))
                    .header("Retry-After", "1").build();
        }
        // called when the response ends or the connection closes, whichever comes first
        routing.addEndHandler(ended -> inFlight.release(bytes));
        return null;
    }

    private static Response problem(int status, String title, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, title, detail)).build();
    }
}
