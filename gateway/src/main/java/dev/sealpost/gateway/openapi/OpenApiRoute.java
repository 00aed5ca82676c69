package dev.sealpost.gateway.openapi;

import dev.sealpost.gateway.limits.RateLimit;
import dev.sealpost.gateway.limits.RateLimiters;
import dev.sealpost.gateway.routing.Problems;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.OptionalLong;

/**
 * {@code GET /openapi}: the merged document of {@link OpenApiAggregator}, public (it describes, it
 * grants nothing), under the per-address limit. The Swagger UI at {@code /q/swagger-ui} reads it.
 */
@ApplicationScoped
public class OpenApiRoute {

    static final String PATH = "/openapi";

    private final OpenApiAggregator aggregator;
    private final RateLimiters limits;

    public OpenApiRoute(OpenApiAggregator aggregator, RateLimiters limits) {
        this.aggregator = aggregator;
        this.limits = limits;
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(context -> {
            String address = context.request().remoteAddress() == null ? "unknown" : context.request().remoteAddress().hostAddress();
            OptionalLong wait = limits.tryConsume(RateLimit.PER_IP, address);
            if (wait.isPresent()) {
                context.response().putHeader("Retry-After", Long.toString(wait.getAsLong()));
                Problems.send(context, 429, "Too Many Requests", "slow down; retry after " + wait.getAsLong() + " s");
                return;
            }
            aggregator.document().subscribe().with(
                    document -> context.response().putHeader("Content-Type", "application/json").end(document.encode()),
                    failure -> Problems.send(context, 503, "Service Unavailable", "the services' API documents cannot be read; retry later"));
        });
    }
}
