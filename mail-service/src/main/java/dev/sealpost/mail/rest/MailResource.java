package dev.sealpost.mail.rest;

import dev.sealpost.mail.domain.MessageSummary;
import dev.sealpost.mail.service.MailService;
import dev.sealpost.mail.service.RequestContext;
import dev.sealpost.service.rest.ProblemException;
import dev.sealpost.service.security.PassportAuthenticator;
import io.smallrye.mutiny.Uni;
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

import java.util.List;
import java.util.UUID;

/**
 * The mailbox API. Passport required; a caller reaches only their own mailbox. Runs on the event
 * loop: the database client is reactive, and a passport that needs a JWKS fetch is verified on a
 * worker thread by {@link PassportAuthenticator#authenticate} (a hop that cost a fifth of a send's
 * CPU when every request took it).
 */
@Path("/api/mail")
@Produces(MediaType.APPLICATION_JSON)
public class MailResource {

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

    public record Folder(String name) {
    }

    @POST
    @Path("/messages")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Send one sealed envelope to the listed recipients (to=...); Idempotency-Key makes a retry a no-op")
    public Uni<RestResponse<MailService.SendResult>> send(@RestHeader("Authorization") String authorization,
            @RestHeader("Idempotency-Key") String idempotencyKey, @RestQuery("to") List<String> to, byte[] envelope,
            @Context HttpServerRequest request) {
        RequestContext context = RequestContexts.of(request);
        return passports.authenticate(authorization)
                .chain(caller -> mail.send(caller, to, envelope, idempotencyKey, context))
                .map(result -> result.replayed() ? RestResponse.ok(result) : RestResponse.status(RestResponse.Status.CREATED, result));
    }

    @GET
    @Path("/folders")
    @Operation(summary = "Your folders")
    public Uni<List<String>> folders(@RestHeader("Authorization") String authorization, @Context HttpServerRequest request) {
        RequestContext context = RequestContexts.of(request);
        return passports.authenticate(authorization).chain(caller -> mail.folders(caller, context));
    }

    @POST
    @Path("/folders")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a folder of your own (201; 409 if the name is taken or you have the most allowed, 200 by default)")
    public Uni<RestResponse<Folder>> createFolder(@RestHeader("Authorization") String authorization, Folder folder) {
        return passports.authenticate(authorization).chain(caller -> {
            if (folder == null) {
                throw ProblemException.badRequest("a JSON body {name}");
            }
            return mail.createFolder(caller, folder.name());
        }).map(name -> RestResponse.status(RestResponse.Status.CREATED, new Folder(name)));
    }

    @GET
    @Path("/folders/{folder}/messages")
    @Operation(summary = "A page of a folder, newest first (limit 1..200, default 50; next page with after=<next>)")
    public Uni<MailService.Page> list(@RestHeader("Authorization") String authorization, @RestPath String folder,
            @RestQuery Integer limit, @RestQuery String after, @Context HttpServerRequest request) {
        RequestContext context = RequestContexts.of(request);
        return passports.authenticate(authorization).chain(caller -> mail.list(caller, folder, limit, after, context));
    }

    @GET
    @Path("/messages/{id}")
    @Operation(summary = "One message's metadata and flags")
    public Uni<MessageSummary> message(@RestHeader("Authorization") String authorization, @RestPath String id,
            @Context HttpServerRequest request) {
        RequestContext context = RequestContexts.of(request);
        return passports.authenticate(authorization).chain(caller -> mail.message(caller, uuid(id), context));
    }

    @GET
    @Path("/messages/{id}/envelope")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "One message's sealed envelope")
    public Uni<byte[]> envelope(@RestHeader("Authorization") String authorization, @RestPath String id,
            @Context HttpServerRequest request) {
        RequestContext context = RequestContexts.of(request);
        return passports.authenticate(authorization).chain(caller -> mail.envelope(caller, uuid(id), context));
    }

    @GET
    @Path("/messages/{id}/head")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "The head of a message's envelope (format 2): header, manifest and subject, verifiable without the rest")
    public Uni<byte[]> head(@RestHeader("Authorization") String authorization, @RestPath String id, @Context HttpServerRequest request) {
        RequestContext context = RequestContexts.of(request);
        return passports.authenticate(authorization).chain(caller -> mail.head(caller, uuid(id), context));
    }

    @PATCH
    @Path("/messages/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change the seen and flagged flags")
    public Uni<RestResponse<Void>> flags(@RestHeader("Authorization") String authorization, @RestPath String id, Flags flags,
            @Context HttpServerRequest request) {
        RequestContext context = RequestContexts.of(request);
        return passports.authenticate(authorization).chain(caller -> {
            if (flags == null) {
                throw ProblemException.badRequest("a JSON body {seen, flagged}");
            }
            return mail.flags(caller, uuid(id), flags.seen(), flags.flagged(), context);
        }).map(done -> RestResponse.noContent());
    }

    @POST
    @Path("/messages/{id}/move")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move a message to another of your folders")
    public Uni<RestResponse<Void>> move(@RestHeader("Authorization") String authorization, @RestPath String id, Move move,
            @Context HttpServerRequest request) {
        RequestContext context = RequestContexts.of(request);
        return passports.authenticate(authorization).chain(caller -> {
            if (move == null) {
                throw ProblemException.badRequest("a JSON body {folder}");
            }
            return mail.move(caller, uuid(id), move.folder(), context);
        }).map(done -> RestResponse.noContent());
    }

    @DELETE
    @Path("/messages/{id}")
    @Operation(summary = "Move to the trash; from the trash, delete for good")
    public Uni<RestResponse<Void>> delete(@RestHeader("Authorization") String authorization, @RestPath String id,
            @Context HttpServerRequest request) {
        RequestContext context = RequestContexts.of(request);
        return passports.authenticate(authorization).chain(caller -> mail.delete(caller, uuid(id), context))
                .map(done -> RestResponse.noContent());
    }

    @GET
    @Path("/quota")
    @Operation(summary = "Your storage use and quota")
    public Uni<MailService.Quota> quota(@RestHeader("Authorization") String authorization) {
        return passports.authenticate(authorization).chain(mail::quota);
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
