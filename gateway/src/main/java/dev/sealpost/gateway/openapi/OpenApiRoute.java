package dev.sealpost.gateway.openapi;

import dev.sealpost.gateway.routing.AddressRateLimit;
import dev.sealpost.gateway.routing.Problems;
import dev.sealpost.gateway.routing.RequestContext;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /openapi}: the merged document of {@link OpenApiAggregator}, public (it describes, it
 * grants nothing), under the per-address limit. The Swagger UI at {@code /q/swagger-ui} reads it.
 */
@ApplicationScoped
public class OpenApiRoute {

    static final String PATH = "/openapi";

    private final OpenApiAggregator aggregator;
    private final AddressRateLimit addressLimit;

    public OpenApiRoute(OpenApiAggregator aggregator, AddressRateLimit addressLimit) {
        this.aggregator = aggregator;
        this.addressLimit = addressLimit;
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(context -> {
            if (!addressLimit.admit(context, "openapi", RequestContext.of(context))) {
                return;
            }
            aggregator.document().subscribe().with(
                    document -> context.response().putHeader("Content-Type", "application/json").end(document.encode()),
                    failure -> Problems.send(context, 503, "Service Unavailable", "the services' API documents cannot be read; retry later"));
        });
    }
}
