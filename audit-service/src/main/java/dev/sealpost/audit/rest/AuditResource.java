package dev.sealpost.audit.rest;

import dev.sealpost.audit.config.AuditConfig;
import dev.sealpost.audit.service.AuditQueries;
import dev.sealpost.audit.service.ExportFormat;
import io.smallrye.mutiny.Multi;
import org.jboss.resteasy.reactive.RestMulti;
import dev.sealpost.passport.Passport;
import dev.sealpost.service.rest.ProblemException;
import dev.sealpost.service.security.PassportAuthenticator;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Duration;

/** Security logs: every user's own, and a SOC analyst's tenant-wide view. Worker threads (passport JWKS may be fetched). */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final PassportAuthenticator passports;
    private final AuditQueries queries;
    private final AuditConfig config;
    private final dev.sealpost.audit.service.ChainVerifier verifier;

    public AuditResource(PassportAuthenticator passports, AuditQueries queries, AuditConfig config,
            dev.sealpost.audit.service.ChainVerifier verifier) {
        this.passports = passports;
        this.queries = queries;
        this.config = config;
        this.verifier = verifier;
    }

    @GET
    @Path("/verify")
    @Operation(summary = "Check your tenant's hash chain over positions from..to (role soc-analyst); names the first broken position")
    public dev.sealpost.audit.service.ChainVerifier.Result verify(@RestHeader("Authorization") String authorization, @RestQuery Long from,
            @RestQuery Long to) {
        Passport analyst = requireAnalyst(authorization);
        return verifier.verify(analyst.tenant(), from, to).await().atMost(Duration.ofMinutes(5));
    }

    @GET
    @Path("/me/events")
    @Operation(summary = "Your own security log: what you did and what happened to your account and mailbox; no role needed")
    public AuditQueries.Page mine(@RestHeader("Authorization") String authorization, @RestQuery String type, @RestQuery String from,
            @RestQuery String to, @RestQuery Integer limit, @RestQuery String after) {
        Passport caller = passports.require(authorization);
        return queries.mine(caller, new AuditQueries.Filter(type, from, to, null, null, null), limit, after).await().atMost(TIMEOUT);
    }

    @GET
    @Path("/export")
    @Produces(MediaType.TEXT_PLAIN) // the actual type per format is set on the response
    @io.smallrye.common.annotation.Blocking // a Multi return would otherwise run this on the event loop; the passport check may block
    @Operation(summary = "Your tenant's events as jsonl, ocsf (JSON lines) or cef, streamed (role soc-analyst); same filters as /events; recorded")
    public RestMulti<String> export(@RestHeader("Authorization") String authorization, @RestQuery String format, @RestQuery String type,
            @RestQuery String from, @RestQuery String to, @RestQuery String actor, @RestQuery String outcome, @RestQuery String ip) {
        Passport analyst = requireAnalyst(authorization);
        ExportFormat lines = ExportFormat.parse(format).orElseThrow(() -> ProblemException.badRequest("format is jsonl, ocsf or cef"));
        Multi<String> body = queries.export(analyst, new AuditQueries.Filter(type, from, to, actor, outcome, ip), lines).await().atMost(TIMEOUT);
        return RestMulti.fromMultiData(body).header("Content-Type", lines.mediaType() + "; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"sealpost-" + analyst.tenant() + "-events." + lines.name().toLowerCase(java.util.Locale.ROOT)
                        + (lines == ExportFormat.CEF ? ".log" : ".jsonl") + "\"").build();
    }

    @GET
    @Path("/events")
    @Operation(summary = "Your tenant's security events (role soc-analyst); every query is itself recorded")
    public AuditQueries.Page tenant(@RestHeader("Authorization") String authorization, @RestQuery String type, @RestQuery String from,
            @RestQuery String to, @RestQuery String actor, @RestQuery String outcome, @RestQuery String ip, @RestQuery Integer limit,
            @RestQuery String after) {
        Passport analyst = requireAnalyst(authorization);
        return queries.tenant(analyst, new AuditQueries.Filter(type, from, to, actor, outcome, ip), limit, after).await().atMost(TIMEOUT);
    }

    private Passport requireAnalyst(String authorization) {
        Passport analyst = passports.require(authorization);
        if (!analyst.hasRole(config.socRole())) {
            throw ProblemException.forbidden("the " + config.socRole() + " role is required");
        }
        return analyst;
    }
}
