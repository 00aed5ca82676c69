package dev.sealpost.keys.rest;

import dev.sealpost.keys.service.DirectoryService;
import dev.sealpost.keys.service.PassportAuthentication;
import dev.sealpost.passport.Passport;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** Publish (blocking, worker thread) and look up (on the event loop) public bundles. Passport required. */
@Path("/api/keys/directory/{address}")
public class DirectoryResource {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final PassportAuthentication passports;
    private final DirectoryService directory;

    public DirectoryResource(PassportAuthentication passports, DirectoryService directory) {
        this.passports = passports;
        this.directory = directory;
    }

    public record PublishedView(String address, long version, String fingerprint, long leafIndex) {
    }

    /** A bundle with everything a client needs to check it against the log in one round trip. */
    public record LookupView(String address, long version, String bundle, String fingerprint, long leafIndex, long loggedAtMillis,
            List<String> inclusionProof, TransparencyLogResource.TreeHeadView treeHead) {
        static LookupView of(DirectoryService.Lookup lookup) {
            Base64.Encoder base64 = Base64.getEncoder();
            return new LookupView(lookup.address(), lookup.version(), base64.encodeToString(lookup.bundle()), lookup.fingerprint().toHex(),
                    lookup.leafIndex(), lookup.loggedAtMillis(), lookup.inclusionProof().stream().map(base64::encodeToString).toList(),
                    TransparencyLogResource.TreeHeadView.of(lookup.treeHead()));
        }
    }

    @PUT
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish (a new version of) your public bundle; the same bundle again is a no-op")
    public RestResponse<PublishedView> publish(@RestHeader("Authorization") String authorization, @RestPath String address, byte[] bundle) {
        Passport caller = passports.require(authorization);
        DirectoryService.Published published = directory.publish(caller, address, bundle).await().atMost(TIMEOUT);
        PublishedView view = new PublishedView(published.address(), published.version(), published.fingerprint().toHex(),
                published.leafIndex());
        return published.created() ? RestResponse.status(RestResponse.Status.CREATED, view) : RestResponse.ok(view);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Look up the current (or a named) version of an address's bundle, with its inclusion proof and tree head")
    public Uni<LookupView> lookup(@RestHeader("Authorization") String authorization, @RestPath String address,
            @RestQuery Long version) {
        // non-blocking end to end (the hot path): passport checks use in-memory keys, the query is reactive
        passports.require(authorization);
        return directory.lookup(address, version).map(LookupView::of);
    }
}
