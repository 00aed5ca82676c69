package dev.sealpost.service.rest;

import dev.sealpost.service.config.DeadlineConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.UUID;

/**
 * Turns every failure into an {@code application/problem+json} answer. Client mistakes keep their
 * 4xx status; anything unexpected becomes a 500 whose body says only that it failed and gives an
 * id to find the logged cause — never a stack trace (ASVS 16.5.1, checklist S27).
 */
public class ProblemExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ProblemExceptionMappers.class);

    private final String retryAfterSeconds;

    public ProblemExceptionMappers(DeadlineConfig deadlines) {
        this.retryAfterSeconds = Long.toString(Math.max(1, deadlines.retryAfter().toSeconds()));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> mapWebApplicationException(WebApplicationException exception) {
        Response.StatusType status = exception.getResponse().getStatusInfo();
        if (status.getStatusCode() >= 500) {
            return unexpected(exception);
        }
        if (exception instanceof NotFoundException && exception.getCause() != null
                && !(exception.getCause() instanceof WebApplicationException)) {
            // JAX-RS answers 404 when a path or query parameter cannot be converted (limit=abc, a number that
            // overflows): the resource exists, the caller sent a bad value
            return problem(Problem.of(400, "Bad Request", "a parameter is not of the expected type or range"));
        }
        return problem(Problem.of(status.getStatusCode(), status.getReasonPhrase(), null));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> mapProblem(ProblemException exception) {
        RestResponse.ResponseBuilder<Problem> builder = RestResponse.ResponseBuilder.<Problem>create(exception.status())
                .entity(Problem.of(exception.status(), exception.title(), exception.getMessage()))
                .type(Problem.MEDIA_TYPE);
        exception.headers().forEach(builder::header);
        return builder.build();
    }

    /** Unreadable or ill-typed JSON is the caller's mistake: 400, without echoing the parser's message. */
    @ServerExceptionMapper
    public RestResponse<Problem> mapBadJson(JsonProcessingException exception) {
        return problem(Problem.of(400, "Bad Request", "The request body is not valid JSON of the expected shape."));
    }

    /**
     * JSON of the wrong shape or type ({@code {"name": 42}}, an array for an object). Without this, Quarkus
     * REST's built-in mapper for this subclass answered it — 400, but as plain JSON echoing the value and
     * the Java class, not a problem.
     */
    @ServerExceptionMapper
    public RestResponse<Problem> mapMistypedJson(MismatchedInputException exception) {
        return mapBadJson(exception);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> mapUnexpected(Exception exception, io.vertx.core.http.HttpServerResponse response) {
        if (response.ended()) {
            // RequestDeadline answered 503 already: this is the abandoned request's late answer failing to be written
            LOG.debugf("a request answered at its deadline ended later: %s", exception);
            return problem(Problem.of(503, "Service Unavailable", null));
        }
        return unexpected(exception);
    }

    private RestResponse<Problem> unexpected(Exception exception) {
        if (DependencyFailures.unavailable(exception)) {
            // the request was fine; a dependency is down or hung: the client may try again (no stack trace: expected)
            LOG.warnf("a dependency is unavailable: %s", exception);
            return RestResponse.ResponseBuilder.<Problem>create(503)
                    .entity(Problem.of(503, "Service Unavailable", "a service this request needs is unavailable; try again later"))
                    .type(Problem.MEDIA_TYPE).header("Retry-After", retryAfterSeconds).build();
        }
        String errorId = UUID.randomUUID().toString();
        // the cause goes to the log under an id; messages of our own exceptions never carry secrets
        LOG.errorf(exception, "unexpected failure, error id %s", errorId);
        return problem(new Problem("about:blank", "Internal Server Error", 500,
                "The request failed on our side. Quote this id when reporting it.", "urn:sealpost:error:" + errorId));
    }

    private static RestResponse<Problem> problem(Problem problem) {
        return RestResponse.ResponseBuilder.<Problem>create(problem.status())
                .entity(problem)
                .type(Problem.MEDIA_TYPE)
                .build();
    }
}
