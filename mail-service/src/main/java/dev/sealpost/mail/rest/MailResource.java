package dev.sealpost.mail.rest;

import dev.sealpost.mail.domain.MessageSummary;
import dev.sealpost.mail.service.MailService;
import dev.sealpost.passport.Passport;
import dev.sealpost.service.rest.ProblemException;
import dev.sealpost.service.security.PassportAuthenticator;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The mailbox API. Passport required; a caller reaches only their own mailbox. Runs on worker
 * threads (verifying a passport may fetch the tenant's JWKS).
 */
@Path("/api/mail")
@Produces(MediaType.APPLICATION_JSON)
public class MailResource {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final PassportAuthenticator passports;
    private final MailService mail;

    public MailResource(PassportAuthenticator passports, MailService mail) {
        this.passports = passports;
        this.mail = mail;
    }

    public record Flags(Boolean seen, Boolean flagged) {
    }

    public record Move(String folder) {
    }

    @POST
    @Path("/messages")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Send one sealed envelope to the listed recipients (to=...); Idempotency-Key makes a retry a no-op")
    public RestResponse<MailService.SendResult> send(@RestHeader("Authorization") String authorization,
            @RestHeader("Idempotency-Key") String idempotencyKey, @RestQuery("to") List<String> to, byte[] envelope,
            @Context HttpServerRequest request) {
        Passport caller = passports.require(authorization);
        MailService.SendResult result = mail.send(caller, to, envelope, idempotencyKey, RequestContexts.of(request)).await().atMost(TIMEOUT);
        return result.replayed() ? RestResponse.ok(result) : RestResponse.status(RestResponse.Status.CREATED, result);
    }

    @GET
    @Path("/folders")
    @Operation(summary = "Your folders")
    public List<String> folders(@RestHeader("Authorization") String authorization, @Context HttpServerRequest request) {
        return mail.folders(passports.require(authorization), RequestContexts.of(request)).await().atMost(TIMEOUT);
    }

    @GET
    @Path("/folders/{folder}/messages")
    @Operation(summary = "A page of a folder, newest first (limit 1..200, default 50; next page with after=<next>)")
    public MailService.Page list(@RestHeader("Authorization") String authorization, @RestPath String folder, @RestQuery Integer limit,
            @RestQuery String after, @Context HttpServerRequest request) {
        return mail.list(passports.require(authorization), folder, limit, after, RequestContexts.of(request)).await().atMost(TIMEOUT);
    }

    @GET
    @Path("/messages/{id}")
    @Operation(summary = "One message's metadata and flags")
    public MessageSummary message(@RestHeader("Authorization") String authorization, @RestPath String id,
            @Context HttpServerRequest request) {
        return mail.message(passports.require(authorization), uuid(id), RequestContexts.of(request)).await().atMost(TIMEOUT);
    }

    @GET
    @Path("/messages/{id}/envelope")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "One message's sealed envelope")
    public byte[] envelope(@RestHeader("Authorization") String authorization, @RestPath String id, @Context HttpServerRequest request) {
        return mail.envelope(passports.require(authorization), uuid(id), RequestContexts.of(request)).await().atMost(TIMEOUT);
    }

    @PATCH
    @Path("/messages/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change the seen and flagged flags")
    public RestResponse<Void> flags(@RestHeader("Authorization") String authorization, @RestPath String id, Flags flags,
            @Context HttpServerRequest request) {
        if (flags == null) {
            throw ProblemException.badRequest("a JSON body {seen, flagged}");
        }
        mail.flags(passports.require(authorization), uuid(id), flags.seen(), flags.flagged(), RequestContexts.of(request))
                .await().atMost(TIMEOUT);
        return RestResponse.noContent();
    }

    @POST
    @Path("/messages/{id}/move")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move a message to another of your folders")
    public RestResponse<Void> move(@RestHeader("Authorization") String authorization, @RestPath String id, Move move,
            @Context HttpServerRequest request) {
        if (move == null) {
            throw ProblemException.badRequest("a JSON body {folder}");
        }
        mail.move(passports.require(authorization), uuid(id), move.folder(), RequestContexts.of(request)).await().atMost(TIMEOUT);
        return RestResponse.noContent();
    }

    @DELETE
    @Path("/messages/{id}")
    @Operation(summary = "Move to the trash; from the trash, delete for good")
    public RestResponse<Void> delete(@RestHeader("Authorization") String authorization, @RestPath String id,
            @Context HttpServerRequest request) {
        mail.delete(passports.require(authorization), uuid(id), RequestContexts.of(request)).await().atMost(TIMEOUT);
        return RestResponse.noContent();
    }

    @GET
    @Path("/quota")
    @Operation(summary = "Your storage use and quota")
    public MailService.Quota quota(@RestHeader("Authorization") String authorization) {
        return mail.quota(passports.require(authorization)).await().atMost(TIMEOUT);
    }

    private static UUID uuid(String id) {
        try {
            if (id.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no such message");
        }
    }
}
