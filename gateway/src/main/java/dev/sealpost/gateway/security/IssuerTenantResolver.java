package dev.sealpost.gateway.security;

import dev.sealpost.gateway.config.GatewayConfig;
import io.quarkus.oidc.TenantResolver;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Picks the quarkus-oidc tenant (one per Keycloak realm) from the token's issuer, read without
 * trusting it; quarkus-oidc then verifies the token with that realm's keys only, so a token signed
 * by one realm can never pass as the other's. An unknown or unreadable issuer resolves to a tenant
 * that does not exist, and the request stays unauthenticated (401 on protected routes).
 */
@ApplicationScoped
public class IssuerTenantResolver implements TenantResolver {

    static final String NO_TENANT = "unknown-issuer";
    private static final int MAX_TOKEN_LENGTH = 8192;

    private final Map<String, String> tenantByIssuer;

    public IssuerTenantResolver(GatewayConfig config) {
        this.tenantByIssuer = config.tenants().entrySet().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(entry -> entry.getValue().issuer(), Map.Entry::getKey));
    }

    @Override
    public String resolve(RoutingContext context) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() > MAX_TOKEN_LENGTH) {
            return NO_TENANT;
        }
        String[] parts = authorization.substring(7).trim().split("\\.", -1);
        if (parts.length != 3) {
            return NO_TENANT;
        }
        try {
            String issuer = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).getString("iss");
            return tenantByIssuer.getOrDefault(issuer, NO_TENANT);
        } catch (RuntimeException e) {
            return NO_TENANT;
        }
    }
}
