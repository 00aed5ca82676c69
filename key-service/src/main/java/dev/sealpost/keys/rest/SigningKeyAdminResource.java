package dev.sealpost.keys.rest;

import dev.sealpost.crypto.KeyPurpose;
import dev.sealpost.keys.domain.SigningKey;
import dev.sealpost.keys.service.PassportAuthentication;
import dev.sealpost.keys.service.SigningKeyLifecycle;
import dev.sealpost.keys.repository.SigningKeyRepository;
import dev.sealpost.passport.Passport;
import dev.sealpost.service.rest.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Operator actions on a tenant's signing keys: list, rotate now, revoke (emergency). Blocking (worker thread). */
@Path("/api/keys/admin/tenants/{tenant}/signing-keys")
@Produces(MediaType.APPLICATION_JSON)
public class SigningKeyAdminResource {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final PassportAuthentication operators;
    private final SigningKeyLifecycle lifecycle;
    private final SigningKeyRepository repository;
    private final Pool pool;

    public SigningKeyAdminResource(PassportAuthentication operators, SigningKeyLifecycle lifecycle, SigningKeyRepository repository,
            Pool pool) {
        this.operators = operators;
        this.lifecycle = lifecycle;
        this.repository = repository;
        this.pool = pool;
    }

    /** A key as operators see it: never its private part. */
    public record KeyView(String kid, String purpose, String state, Instant createdAt, Instant activatedAt, Instant retiredAt,
            Instant destroyAfter) {
        static KeyView of(SigningKey key) {
            return new KeyView(key.kid(), key.purpose().pathSegment(), key.state().name(), key.createdAt(), key.activatedAt(),
                    key.retiredAt(), key.destroyAfter());
        }
    }

    public record RotationResult(boolean rotated) {
    }

    @GET
    @Operation(summary = "The tenant's published signing keys and their states (operator)")
    public List<KeyView> list(@RestHeader("Authorization") String authorization, @RestPath String tenant) {
        operators.requireOperator(authorization, tenant);
        return java.util.Arrays.stream(KeyPurpose.values())
                .flatMap(purpose -> repository.published(pool, tenant, purpose).await().atMost(TIMEOUT).stream())
                .map(KeyView::of)
                .toList();
    }

    @POST
    @Path("/{purpose}/rotate")
    @Operation(summary = "Rotate now: the PENDING key becomes ACTIVE if it has been published long enough (operator)")
    public RotationResult rotate(@RestHeader("Authorization") String authorization, @RestPath String tenant, @RestPath String purpose) {
        Passport operator = operators.requireOperator(authorization, tenant);
        KeyPurpose keyPurpose = KeyPurpose.fromPathSegment(purpose);
        if (keyPurpose == null) {
            throw ProblemException.notFound("no such key purpose");
        }
        SigningKeyLifecycle.StepResult result = lifecycle.rotateNow(tenant, keyPurpose, PassportAuthentication.actor(operator))
                .await().atMost(TIMEOUT);
        if (!result.rotated()) {
            long seconds = Math.max(1, result.retryAfter().toSeconds());
            throw new ProblemException(409, "Conflict", "the next key has not been published long enough; retry in " + seconds + " s",
                    Map.of("Retry-After", Long.toString(seconds)));
        }
        return new RotationResult(true);
    }

    @POST
    @Path("/revoke/{kid}")
    @Operation(summary = "Emergency revocation: remove a key from the JWKS at once and erase its private part (operator)")
    public RestResponse<Void> revoke(@RestHeader("Authorization") String authorization, @RestPath String tenant, @RestPath String kid) {
        Passport operator = operators.requireOperator(authorization, tenant);
        if (kid.length() > 64) {
            throw ProblemException.notFound("no such published key");
        }
        boolean revoked = lifecycle.revoke(tenant, kid, PassportAuthentication.actor(operator)).await().atMost(TIMEOUT);
        if (!revoked) {
            throw ProblemException.notFound("no such published key");
        }
        operators.revoked(kid);
        return RestResponse.noContent();
    }
}
