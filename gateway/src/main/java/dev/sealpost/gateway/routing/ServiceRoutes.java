package dev.sealpost.gateway.routing;

import dev.sealpost.gateway.client.PassportClient;
import dev.sealpost.gateway.config.GatewayConfig;
import dev.sealpost.gateway.events.AccessEvents;
import dev.sealpost.gateway.events.GatewayEvents;
import dev.sealpost.gateway.security.Refusal;
import dev.sealpost.gateway.security.TokenCheck;
import dev.sealpost.gateway.security.VerifiedToken;
import dev.sealpost.service.config.BodyLimitsConfig;
import dev.sealpost.service.config.DeadlineConfig;
import dev.sealpost.service.rest.UploadPace;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * The routing table: {@code /api/mail/**} to mail-service, {@code /api/keys/**} to key-service,
 * {@code /api/audit/**} to audit-service, through Vert.x's reverse proxy (bodies stream, never held
 * whole). Each request passes, in order: its request context, the event buffer, the body limit, the
 * per-address limit, the token check ({@link TokenCheck}) and the passport exchange; a refusal at
 * any step is answered by {@link Refusals}. The external token stops here: a protected request goes
 * on with a passport for the service in place of the Keycloak token. The public parts of
 * key-service (JWKS and the transparency log) go on without any credential.
 */
@ApplicationScoped
public class ServiceRoutes {

    private static final Pattern PUBLIC_KEY_PATHS = Pattern.compile("/api/keys/(tenants/[a-z0-9-]{1,63}/jwks/[a-z]{1,16}|log/.*)");

    private final GatewayConfig config;
    private final PassportClient passports;
    private final Vertx vertx;
    private final GatewayEvents events;
    private final UploadPace pace;
    /** The request deadline (RequestDeadline answers when it passes): no wait on a service is longer. */
    private final DeadlineConfig deadlines;
    /** Largest request bodies: a sealed message on mail routes, JSON elsewhere. */
    private final BodyLimitsConfig bodyLimits;
    private final AddressRateLimit addressLimit;
    private final TokenCheck tokens;
    private final Refusals refusals;
    private final MeterRegistry metrics;
    /** Whether OpenTelemetry makes spans here (then it, not the client, tells the service its parent span). */
    private final boolean tracing;

    public ServiceRoutes(GatewayConfig config, PassportClient passports, Vertx vertx, GatewayEvents events, UploadPace pace,
            DeadlineConfig deadlines, BodyLimitsConfig bodyLimits, AddressRateLimit addressLimit, TokenCheck tokens, Refusals refusals,
            MeterRegistry metrics, @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean tracingDisabled) {
        this.config = config;
        this.passports = passports;
        this.vertx = vertx;
        this.events = events;
        this.pace = pace;
        this.deadlines = deadlines;
        this.bodyLimits = bodyLimits;
        this.addressLimit = addressLimit;
        this.tokens = tokens;
        this.refusals = refusals;
        this.metrics = metrics;
        this.tracing = !tracingDisabled;
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
                .addInterceptor(new SafeMethodRetries(metrics.counter("sealpost.gateway.upstream.answer.retries", Tags.of("upstream", audience))));
        router.route(path).order(-10).handler(context -> forward(context, proxy, audience, bodyLimit));
    }

    private void forward(RoutingContext context, HttpProxy proxy, String audience, long bodyLimit) {
        AccessEvents.Client client = RequestContext.of(context);
        if (!events.accepting()) {
            Refusals.eventsUnavailable(context);
            return;
        }
        if (!BodyLimits.admit(context, bodyLimit) || !addressLimit.admit(context, audience, client)) {
            return;
        }
        HttpServerRequest request = context.request();
        // who the client is, as far as the services are concerned: set here, never taken from the client
        request.headers().set("X-Forwarded-For", client.sourceIp());
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
        tokens.check(context, client)
                .chain(token -> passports.passport(identityOf(token), audience)
                        .onFailure().transform(failure -> new Refusal.PassportUnavailable(failure, token.tenant(), TokenCheck.actor(token))))
                .subscribe().with(passport -> {
                    request.headers().set("Authorization", "Bearer " + passport);
                    if (BodyLimits.WITH_BODY.contains(request.method())) {
                        // from here on the body flows (it was paused for the token check): a trickle would hold an upstream connection
                        pace.watch(context);
                    }
                    proxy.handle(request);
                }, failure -> {
                    request.resume();
                    refusals.answer(context, failure, audience, client);
                });
    }

    private static PassportClient.Identity identityOf(VerifiedToken token) {
        // the address travels only as Keycloak verified it; identity is (issuer, subject), never the e-mail
        return new PassportClient.Identity(token.tenant(), token.issuer(), token.subject(), token.roles(),
                token.secondFactor() ? "2fa" : "password", token.verifiedAddress());
    }
}
