package dev.sealpost.mail.rest;

import dev.sealpost.mail.service.InFlightMessageBytes;
import dev.sealpost.passport.Passport;
import dev.sealpost.service.rest.Problem;
import dev.sealpost.service.rest.UploadPace;
import dev.sealpost.service.security.PassportAuthenticator;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import io.vertx.ext.web.RoutingContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a message larger than the limit from its Content-Length, before the body is read. (A
 * body without Content-Length is cut off by the HTTP layer's own limit, slightly above ours, and
 * checked again once read.) Then checks the sender's passport (a body is never read for nobody),
 * takes the body's bytes from the sender's share and the in-flight budget until the request ends —
 * or refuses the send with 429 when the sender's share is spent and 503 when the budget is
 * ({@link InFlightMessageBytes}) — and has the body's pace watched ({@link UploadPace}).
 * <p>
 * Every other body is a small JSON document (flags, a move, a new folder): over
 * {@code sealpost.limits.json-bytes} it is refused from its Content-Length, and one without a length (chunked)
 * with 411 — the HTTP layer's limit is the message's 26 MB, far too much to parse as JSON.
 */
public class MessageSizeFilter {

    /** The largest JSON body of the mail API, as the gateway allows outside the send. */
    private static final String SEND_PATH = "/api/mail/messages";

    private final dev.sealpost.service.config.BodyLimitsConfig limits;
    private final InFlightMessageBytes inFlight;
    private final PassportAuthenticator passports;
    private final UploadPace pace;

    public MessageSizeFilter(dev.sealpost.service.config.BodyLimitsConfig limits, InFlightMessageBytes inFlight, PassportAuthenticator passports,
            UploadPace pace) {
        this.limits = limits;
        this.inFlight = inFlight;
        this.passports = passports;
        this.pace = pace;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> refuseOversizedBodies(ContainerRequestContext request, RoutingContext routing) {
        String path = request.getUriInfo().getPath();
        boolean send = "POST".equals(request.getMethod()) && (path.equals(SEND_PATH) || path.equals(SEND_PATH + "/"));
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return answer(problem(400, "Bad Request", "Content-Length is not a number"));
        }
        if (!send) {
            if (declared > limits.jsonBytes()) {
                return answer(problem(413, "Content Too Large", "a request body other than a message has at most " + limits.jsonBytes()
                        + " bytes"));
            }
            if (declared < 0 && request.getHeaderString("Transfer-Encoding") != null) {
                return answer(problem(411, "Length Required", "send this body with a Content-Length"));
            }
            return answer(null);
        }
        if (declared > limits.messageBytes()) {
            return answer(problem(413, "Content Too Large", "a message has at most " + limits.messageBytes() + " bytes"));
        }
        long bytes = declared < 0 ? limits.messageBytes() : declared; // without a length: as large as it may become
        return passports.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION))
                .map(sender -> reserve(sender, bytes, routing)); // a refused passport is its 401 problem (ProblemExceptionMappers)
    }

    private Response reserve(Passport sender, long bytes, RoutingContext routing) {
        String user = sender.issuer() + "\n" + sender.subject();
        return switch (inFlight.tryReserve(user, bytes)) {
            case USER_SHARE_SPENT -> Response.fromResponse(problem(429, "Too Many Requests",
                    "you are sending too much at once; retry when a send has finished")).header("Retry-After", "1").build();
            case BUDGET_SPENT -> Response.fromResponse(problem(503, "Service Unavailable",
                    "too many messages are being received right now; retry shortly")).header("Retry-After", "1").build();
            case RESERVED -> {
                // called when the response ends or the connection closes, whichever comes first
                routing.addEndHandler(ended -> inFlight.release(user, bytes));
                pace.watch(routing);
                yield null;
            }
        };
    }

    private static Uni<Response> answer(Response response) {
        return Uni.createFrom().item(response);
    }

    private static Response problem(int status, String title, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, title, detail)).build();
    }
}
