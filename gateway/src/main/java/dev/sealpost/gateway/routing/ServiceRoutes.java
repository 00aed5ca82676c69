package dev.sealpost.gateway.routing;

import dev.sealpost.gateway.client.PassportClient;
import dev.sealpost.gateway.config.GatewayConfig;
import dev.sealpost.gateway.limits.RateLimit;
import dev.sealpost.gateway.limits.RateLimiters;
import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.net.URI;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The routing table: {@code /api/mail/**} to mail-service, {@code /api/keys/**} to key-service,
 * {@code /api/audit/**} to audit-service, through Vert.x's reverse proxy (bodies stream, never held
 * whole). The external token stops here: a protected request goes on with a passport for the
 * service in place of the Keycloak token. The public parts of key-service (JWKS and the transparency
 * log) go on without any credential.
 */
@ApplicationScoped
public class ServiceRoutes {

    static final String REQUEST_ID = "X-Request-Id";
    private static final Pattern VALID_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern PUBLIC_KEY_PATHS = Pattern.compile("/api/keys/(tenants/[a-z0-9-]{1,63}/jwks/[a-z]{1,16}|log/.*)");
    private static final long MAIL_BODY_LIMIT = 26L * 1024 * 1024;
    private static final long OTHER_BODY_LIMIT = 64L * 1024;
    private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    private final GatewayConfig config;
    private final PassportClient passports;
    private final RateLimiters limits;
    private final Vertx vertx;

    public ServiceRoutes(GatewayConfig config, PassportClient passports, RateLimiters limits, Vertx vertx) {
        this.limits = limits;
        this.config = config;
        this.passports = passports;
        this.vertx = vertx;
    }

    void register(@Observes Router router) {
        route(router, "/api/mail/*", config.upstreams().mailService(), "mail-service", MAIL_BODY_LIMIT);
        route(router, "/api/keys/*", config.upstreams().keyService(), "key-service", OTHER_BODY_LIMIT);
        route(router, "/api/audit/*", config.upstreams().auditService(), "audit-service", OTHER_BODY_LIMIT);
    }

    private void route(Router router, String path, URI upstream, String audience, long bodyLimit) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000)
                .setIdleTimeout((int) config.requestTimeout().toSeconds()).setMaxPoolSize(64));
        HttpProxy proxy = HttpProxy.reverseProxy(client).origin(upstream.getPort(), upstream.getHost());
        router.route(path).order(-10).handler(context -> forward(context, proxy, audience, bodyLimit));
    }

    private void forward(RoutingContext context, HttpProxy proxy, String audience, long bodyLimit) {
        HttpServerRequest request = context.request();
        String requestId = request.getHeader(REQUEST_ID);
        if (requestId == null || !VALID_REQUEST_ID.matcher(requestId).matches()) {
            requestId = UUID.randomUUID().toString();
        }
        request.headers().set(REQUEST_ID, requestId);
        context.response().putHeader(REQUEST_ID, requestId);
        if (!bodyWithinLimit(context, bodyLimit)) {
            return;
        }
        String clientAddress = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        if (limited(context, RateLimit.PER_IP, clientAddress)) {
            return;
        }
        // who the client is, as far as the services are concerned: set here, never taken from the client
        request.headers().set("X-Forwarded-For", clientAddress);
        request.headers().remove("Forwarded");
        if (audience.equals("key-service") && PUBLIC_KEY_PATHS.matcher(request.path()).matches()) {
            request.headers().remove("Authorization");
            proxy.handle(request);
            return;
        }
        request.pause();
        // authentication is not proactive (application.properties): the token is checked here, so that every
        // refusal is a problem body written by this class
        QuarkusHttpUser.getSecurityIdentity(context, null)
                .chain(identity -> {
                    if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
                        throw new AuthenticationFailedException("no token");
                    }
                    OptionalLong wait = limits.tryConsume(RateLimit.PER_USER, token.getIssuer() + "\n" + token.getSubject());
                    if (wait.isPresent()) {
                        throw new RateLimited(wait.getAsLong());
                    }
                    return passports.passport(identityOf(identity), audience);
                })
                .subscribe().with(passport -> {
                    request.headers().set("Authorization", "Bearer " + passport);
                    proxy.handle(request);
                }, failure -> {
                    request.resume();
                    refuse(context, failure);
                });
    }

    private static PassportClient.Identity identityOf(SecurityIdentity identity) {
        JsonWebToken token = (JsonWebToken) identity.getPrincipal();
        Boolean emailVerified = token.getClaim("email_verified");
        // the address travels only as Keycloak verified it; identity is (issuer, subject), never the e-mail
        String address = Boolean.TRUE.equals(emailVerified) ? token.getClaim("email") : null;
        return new PassportClient.Identity(identity.getAttribute("tenant-id"), token.getIssuer(), token.getSubject(),
                List.copyOf(identity.getRoles()), SecondFactor.provenBy(token) ? "2fa" : "password", address);
    }

    private static void refuse(RoutingContext context, Throwable failure) {
        if (context.failed() || context.response().ended()) {
            return; // Quarkus already failed the request with the token's error (TokenFailureMappers answered)
        }
        if (failure instanceof RateLimited limited) {
            tooManyRequests(context, limited.retryAfterSeconds);
        } else if (failure instanceof AuthenticationFailedException) {
            context.response().putHeader("WWW-Authenticate", "Bearer");
            Problems.send(context, 401, "Unauthorized", "a valid access token from a Sealpost realm is required");
        } else if (failure instanceof OIDCException) {
            context.response().putHeader("Retry-After", "5");
            Problems.send(context, 503, "Service Unavailable", "the identity provider of this token cannot be reached; retry later");
        } else if (failure instanceof PassportClient.PassportRefused refused && refused.status() < 500) {
            Problems.send(context, 403, "Forbidden", "no passport for this identity and service");
        } else {
            Problems.send(context, 503, "Service Unavailable", "the passport service is unavailable; retry later");
        }
    }

    private boolean limited(RoutingContext context, RateLimit limit, String key) {
        OptionalLong wait = limits.tryConsume(limit, key);
        wait.ifPresent(seconds -> tooManyRequests(context, seconds));
        return wait.isPresent();
    }

    private static void tooManyRequests(RoutingContext context, long retryAfterSeconds) {
        context.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
        Problems.send(context, 429, "Too Many Requests", "slow down; retry after " + retryAfterSeconds + " s");
    }

    /** A user over their limit, found after the token was checked. */
    private static final class RateLimited extends RuntimeException {
        private final long retryAfterSeconds;

        RateLimited(long retryAfterSeconds) {
            super("rate limited", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    private static boolean bodyWithinLimit(RoutingContext context, long limit) {
        HttpServerRequest request = context.request();
        if (!WITH_BODY.contains(request.method())) {
            return true;
        }
        String length = request.getHeader("Content-Length");
        if (length == null) {
            Problems.send(context, 411, "Length Required", "a request body needs a Content-Length");
            return false;
        }
        try {
            if (Long.parseLong(length) > limit) {
                Problems.send(context, 413, "Content Too Large", "at most " + limit + " bytes here");
                return false;
            }
        } catch (NumberFormatException e) {
            Problems.send(context, 400, "Bad Request", "Content-Length is not a number");
            return false;
        }
        return true;
    }
}
