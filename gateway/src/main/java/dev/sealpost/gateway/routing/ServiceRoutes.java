package dev.sealpost.gateway.routing;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.gateway.client.PassportClient;
import dev.sealpost.gateway.config.GatewayConfig;
import dev.sealpost.gateway.events.AccessEvents;
import dev.sealpost.gateway.events.GatewayEvents;
import dev.sealpost.gateway.limits.RateLimit;
import dev.sealpost.gateway.limits.RateLimiters;
import dev.sealpost.gateway.security.RevokedSessions;
import dev.sealpost.gateway.security.TokenRejection;
import dev.sealpost.gateway.security.VerifiedToken;
import dev.sealpost.gateway.security.VerifiedTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.quarkus.oidc.OIDCException;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.time.Instant;
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
    /** The audience every external token must carry (quarkus.oidc.*.token.audience). */
    private static final String AUDIENCE = "sealpost-gateway";
    private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    private final GatewayConfig config;
    private final PassportClient passports;
    private final RateLimiters limits;
    private final Vertx vertx;
    private final GatewayEvents events;
    private final dev.sealpost.service.rest.UploadPace pace;
    /** The request deadline (RequestDeadline answers when it passes): no wait on a service is longer. */
    private final dev.sealpost.service.config.DeadlineConfig deadlines;
    /** Largest request bodies: a sealed message on mail routes, JSON elsewhere. */
    private final dev.sealpost.service.config.BodyLimitsConfig bodyLimits;
    private final AccessEvents access;
    private final MeterRegistry metrics;
    private final VerifiedTokens verifiedTokens;
    /** Sessions Keycloak ended: their tokens are refused although they verify (back-channel logout). */
    private final RevokedSessions revokedSessions;
    /** The issuers of the tenants' realms, to tell an unknown issuer from a bad signature in the log. */
    private final Set<String> issuers;
    /** Whether OpenTelemetry makes spans here (then it, not the client, tells the service its parent span). */
    private final boolean tracing;

    public ServiceRoutes(GatewayConfig config, PassportClient passports, RateLimiters limits, Vertx vertx, GatewayEvents events,
            AccessEvents access, MeterRegistry metrics, VerifiedTokens verifiedTokens, RevokedSessions revokedSessions,
            dev.sealpost.service.rest.UploadPace pace,
            dev.sealpost.service.config.DeadlineConfig deadlines, dev.sealpost.service.config.BodyLimitsConfig bodyLimits,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean tracingDisabled) {
        this.tracing = !tracingDisabled;
        this.verifiedTokens = verifiedTokens;
        this.revokedSessions = revokedSessions;
        this.metrics = metrics;
        this.events = events;
        this.access = access;
        this.issuers = config.tenants().values().stream().map(GatewayConfig.Tenant::issuer)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.limits = limits;
        this.config = config;
        this.passports = passports;
        this.vertx = vertx;
        this.pace = pace;
        this.deadlines = deadlines;
        this.bodyLimits = bodyLimits;
    }

    void register(@Observes Router router) {
        route(router, "/api/mail/*", config.upstreams().mailService(), "mail-service", bodyLimits.messageBytes());
        route(router, "/api/keys/*", config.upstreams().keyService(), "key-service", bodyLimits.jsonBytes());
        route(router, "/api/audit/*", config.upstreams().auditService(), "audit-service", bodyLimits.jsonBytes());
    }

    private void route(Router router, String path, URI upstream, String audience, long bodyLimit) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000)
                .setIdleTimeout((int) deadlines.deadline().toSeconds() + 1).setMaxPoolSize(64));
        HttpProxy proxy = HttpProxy.reverseProxy(client)
                .originRequestProvider(new UpstreamConnections(audience, upstream, metrics, deadlines.deadline()).provider(vertx))
                .addInterceptor(new UpstreamFailures(audience, deadlines.retryAfter(), UpstreamConnections.CIRCUIT_DELAY))
                .addInterceptor(new SafeMethodRetries(metrics.counter("sealpost.gateway.upstream.answer.retries",
                        io.micrometer.core.instrument.Tags.of("upstream", audience))));
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
        if (!events.accepting()) {
            eventsUnavailable(context);
            return;
        }
        if (!bodyWithinLimit(context, bodyLimit)) {
            return;
        }
        String clientAddress = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        AccessEvents.Client client = new AccessEvents.Client(clientAddress, request.getHeader("User-Agent"), requestId);
        OptionalLong ipWait = limits.tryConsume(RateLimit.PER_IP, clientAddress);
        if (ipWait.isPresent()) {
            if (access.rateLimited(RateLimit.PER_IP, SecurityEvent.UNATTRIBUTED_TENANT, SecurityEvent.Actor.UNVERIFIED, audience, client)) {
                tooManyRequests(context, ipWait.getAsLong());
            } else {
                eventsUnavailable(context);
            }
            return;
        }
        // who the client is, as far as the services are concerned: set here, never taken from the client
        request.headers().set("X-Forwarded-For", clientAddress);
        request.headers().remove("Forwarded");
        if (tracing) {
            // the gateway's span already continues the client's trace; the call to the service is a span of its
            // own, written by the tracer: the client's traceparent would be a second, wrong parent
            request.headers().remove("traceparent").remove("tracestate");
        }
        if (audience.equals("key-service") && PUBLIC_KEY_PATHS.matcher(request.path()).matches()) {
            request.headers().remove("Authorization");
            proxy.handle(request);
            return;
        }
        request.pause();
        String authorization = request.getHeader("Authorization");
        VerifiedToken remembered = verifiedTokens.find(authorization);
        // authentication is not proactive (application.properties): the token is checked here, so that every
        // refusal is a problem body written by this class and an event
        Uni<VerifiedToken> verified = remembered != null ? Uni.createFrom().item(remembered)
                : QuarkusHttpUser.getSecurityIdentity(context, null)
                        .onFailure().transform(failure -> failure instanceof OIDCException ? failure
                                : new Refused(TokenRejection.of(authorization, issuers, AUDIENCE, Instant.now())))
                        .map(identity -> {
                            VerifiedToken token = VerifiedToken.of(identity);
                            if (token == null) {
                                throw new Refused(TokenRejection.of(authorization, issuers, AUDIENCE, Instant.now()));
                            }
                            verifiedTokens.remember(authorization, token);
                            return token;
                        });
        verified.chain(token -> {
                    SecurityEvent.Actor user = new SecurityEvent.Actor(token.issuer(), token.subject(), null);
                    GatewayConfig.Tenant policy = config.tenants().get(token.tenant());
                    if (policy == null) {
                        throw new Refused(TokenRejection.UNKNOWN_ISSUER); // fail closed: a tenant without a policy
                    }
                    if (revokedSessions.ended(token)) {
                        throw new Refused(TokenRejection.SESSION_ENDED, token.tenant(), user);
                    }
                    if (policy.requireSecondFactor() && !token.secondFactor()) {
                        throw new Refused(TokenRejection.SECOND_FACTOR_MISSING, token.tenant(), user);
                    }
                    OptionalLong wait = limits.tryConsume(RateLimit.PER_USER, token.issuer() + "\n" + token.subject());
                    if (wait.isPresent()) {
                        throw new RateLimited(wait.getAsLong(), token.tenant(), user);
                    }
                    if (!access.signedIn(token.tenant(), user, token.session(), client)) {
                        throw new EventsUnavailable();
                    }
                    return passports.passport(identityOf(token), audience)
                            .onFailure().transform(failure -> new PassportFailed(failure, token.tenant(), user));
                })
                .subscribe().with(passport -> {
                    request.headers().set("Authorization", "Bearer " + passport);
                    if (WITH_BODY.contains(request.method())) {
                        // from here on the body flows (it was paused for the token check): a trickle would hold an upstream connection
                        pace.watch(context);
                    }
                    proxy.handle(request);
                }, failure -> {
                    request.resume();
                    refuse(context, failure, audience, client);
                });
    }

    private static PassportClient.Identity identityOf(VerifiedToken token) {
        // the address travels only as Keycloak verified it; identity is (issuer, subject), never the e-mail
        return new PassportClient.Identity(token.tenant(), token.issuer(), token.subject(), token.roles(),
                token.secondFactor() ? "2fa" : "password", token.verifiedAddress());
    }

    /** Records the refusal (or answers 503 if it cannot be recorded), then answers with a problem. */
    private void refuse(RoutingContext context, Throwable failure, String audience, AccessEvents.Client client) {
        boolean recorded;
        if (failure instanceof Refused refused) {
            recorded = access.signInFailed(refused.tenant, refused.user, refused.rejection, audience, client);
        } else if (failure instanceof RateLimited limited) {
            recorded = access.rateLimited(RateLimit.PER_USER, limited.tenant, limited.user, audience, client);
        } else if (failure instanceof PassportFailed passport) {
            recorded = access.passportFailed(passport.tenant, passport.user,
                    passport.refusedByKeyService() ? "exchange_refused" : "key_service_unavailable", audience, client);
        } else {
            // the buffer was full, or the realm's Keycloak is unreachable (no token was judged: nothing to record)
            recorded = !(failure instanceof EventsUnavailable);
        }
        if (context.failed() || context.response().ended()) {
            return; // quarkus-oidc refused the token and Quarkus already answered (TokenFailureMappers): recorded above
        }
        if (!recorded) {
            eventsUnavailable(context);
        } else if (failure instanceof Refused refused && refused.rejection == TokenRejection.SECOND_FACTOR_MISSING) {
            // RFC 9470: the token is genuine, the sign-in behind it too weak for this tenant
            context.response().putHeader("WWW-Authenticate", "Bearer error=\"insufficient_user_authentication\", "
                    + "error_description=\"a second factor is required\"");
            Problems.send(context, 401, "Second Factor Required",
                    "this tenant requires two-factor sign-in: sign in again with your password and one-time code");
        } else if (failure instanceof Refused) {
            context.response().putHeader("WWW-Authenticate", "Bearer");
            Problems.send(context, 401, "Unauthorized", "a valid access token from a Sealpost realm is required");
        } else if (failure instanceof RateLimited limited) {
            tooManyRequests(context, limited.retryAfterSeconds);
        } else if (failure instanceof OIDCException) {
            context.response().putHeader("Retry-After", "5");
            Problems.send(context, 503, "Service Unavailable", "the identity provider of this token cannot be reached; retry later");
        } else if (failure instanceof PassportFailed passport && passport.refusedByKeyService()) {
            Problems.send(context, 403, "Forbidden", "no passport for this identity and service");
        } else {
            context.response().putHeader("Retry-After", "5");
            Problems.send(context, 503, "Service Unavailable", "the passport service is unavailable; retry later");
        }
    }

    private static void eventsUnavailable(RoutingContext context) {
        context.response().putHeader("Retry-After", "5");
        Problems.send(context, 503, "Service Unavailable", "security events cannot be recorded right now; retry later");
    }

    /** A request refused for a reason that goes into the log of this tenant and user (no stack trace: it is not an error). */
    private abstract static class AttributedRefusal extends RuntimeException {
        final String tenant;
        final SecurityEvent.Actor user;

        AttributedRefusal(String message, Throwable cause, String tenant, SecurityEvent.Actor user) {
            super(message, cause, false, false);
            this.tenant = tenant;
            this.user = user;
        }
    }

    /** A token refused: by quarkus-oidc (untrusted, unattributed) or by the 2FA policy (a trusted user). */
    private static final class Refused extends AttributedRefusal {
        private final TokenRejection rejection;

        Refused(TokenRejection rejection) {
            this(rejection, SecurityEvent.UNATTRIBUTED_TENANT, SecurityEvent.Actor.UNVERIFIED);
        }

        Refused(TokenRejection rejection, String tenant, SecurityEvent.Actor user) {
            super(rejection.reason(), null, tenant, user);
            this.rejection = rejection;
        }
    }

    /** key-service gave no passport: refused it (4xx) or could not be reached. */
    private static final class PassportFailed extends AttributedRefusal {
        PassportFailed(Throwable cause, String tenant, SecurityEvent.Actor user) {
            super("passport", cause, tenant, user);
        }

        boolean refusedByKeyService() {
            return getCause() instanceof PassportClient.PassportRefused refused && refused.status() < 500;
        }
    }

    /** The event buffer is full: the request is refused rather than served unrecorded. */
    private static final class EventsUnavailable extends RuntimeException {
        EventsUnavailable() {
            super("security event buffer full", null, false, false);
        }
    }

    private static void tooManyRequests(RoutingContext context, long retryAfterSeconds) {
        context.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
        Problems.send(context, 429, "Too Many Requests", "slow down; retry after " + retryAfterSeconds + " s");
    }

    /** A user over their limit, found after the token was checked. */
    private static final class RateLimited extends AttributedRefusal {
        private final long retryAfterSeconds;

        RateLimited(long retryAfterSeconds, String tenant, SecurityEvent.Actor user) {
            super("rate limited", null, tenant, user);
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
