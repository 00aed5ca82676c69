package dev.sealpost.keys.rest;

import dev.sealpost.keys.config.KeyServiceConfig;
import dev.sealpost.crypto.KeyPurpose;
import dev.sealpost.keys.repository.SigningKeyRepository;
import dev.sealpost.keys.service.Tenants;
import dev.sealpost.passport.Ed25519Keys;
import dev.sealpost.service.rest.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.stream.Collectors;

/**
 * A tenant's public signing keys per purpose: PENDING, ACTIVE and RETIRED ones. Cached by
 * verifiers for half the pre-publication window ({@code max-age}), so every verifier has seen a
 * new key before it signs anything — and not {@code no-cache}, which makes verifiers refetch
 * constantly (keycloak#15216).
 */
@Path("/api/keys/tenants/{tenant}/jwks/{purpose}")
public class JwksResource {

    private final Pool pool;
    private final SigningKeyRepository repository;
    private final Tenants tenants;
    private final KeyServiceConfig config;

    public JwksResource(Pool pool, SigningKeyRepository repository, Tenants tenants, KeyServiceConfig config) {
        this.pool = pool;
        this.repository = repository;
        this.tenants = tenants;
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "JSON Web Key Set of a tenant's signing keys for one purpose (passport, directory, audit; the pseudo-tenant sealpost: audit only)")
    public Uni<RestResponse<String>> jwks(@RestPath String tenant, @RestPath String purpose) {
        KeyPurpose keyPurpose = KeyPurpose.fromPathSegment(purpose);
        if (keyPurpose == null || !tenants.holdsKeys(tenant, keyPurpose)) {
            throw ProblemException.notFound("no such tenant or key purpose");
        }
        long maxAge = Math.max(1, config.rotation().publishAhead().toSeconds() / 2);
        return repository.published(pool, tenant, keyPurpose).map(keys -> {
            String body = keys.stream().map(key -> Ed25519Keys.publicJwkJson(key.kid(), key.publicKey()))
                    .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
            return RestResponse.ResponseBuilder.ok(body, MediaType.APPLICATION_JSON)
                    .header("Cache-Control", "public, max-age=" + maxAge)
                    .build();
        });
    }
}
