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
 * <p>
 * Every other body is a small JSON document (flags, a move, a new folder): over
 * {@link #MAX_JSON_BYTES} it is refused from its Content-Length, and one without a length (chunked)
 * with 411 — the HTTP layer's limit is the message's 26 MB, far too much to parse as JSON.
 */
public class MessageSizeFilter {

    /** The largest JSON body of the mail API, as the gateway allows outside the send. */
    static final long MAX_JSON_BYTES = 64 * 1024;
    private static final String SEND_PATH = "/api/mail/messages";

    private final MailConfig config;
    private final InFlightMessageBytes inFlight;

    public MessageSizeFilter(MailConfig config, InFlightMessageBytes inFlight) {
        this.config = config;
        this.inFlight = inFlight;
    }

    @ServerRequestFilter(preMatching = true)
    public Response refuseOversizedBodies(ContainerRequestContext request, RoutingContext routing) {
        String path = request.getUriInfo().getPath();
        boolean send = "POST".equals(request.getMethod()) && (path.equals(SEND_PATH) || path.equals(SEND_PATH + "/"));
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return problem(400, "Bad Request", "Content-Length is not a number");
        }
        if (!send) {
            if (declared > MAX_JSON_BYTES) {
                return problem(413, "Content Too Large", "a request body other than a message has at most " + MAX_JSON_BYTES + " bytes");
            }
            if (declared < 0 && request.getHeaderString("Transfer-Encoding") != null) {
                return problem(411, "Length Required", "send this body with a Content-Length");
            }
            return null;
        }
        if (declared < 0) {
            return reserve(config.maxMessageBytes(), routing); // as large as it may become
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
