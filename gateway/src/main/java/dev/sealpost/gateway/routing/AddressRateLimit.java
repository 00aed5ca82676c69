package dev.sealpost.gateway.routing;

import dev.sealpost.gateway.events.AccessEvents;
import dev.sealpost.gateway.limits.RateLimit;
import dev.sealpost.gateway.limits.RateLimiters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.OptionalLong;

/** The per-address limit, applied the same way on every public route: past it a 429 problem and its event. */
@ApplicationScoped
public class AddressRateLimit {

    private final RateLimiters limits;
    private final Refusals refusals;

    public AddressRateLimit(RateLimiters limits, Refusals refusals) {
        this.limits = limits;
        this.refusals = refusals;
    }

    /** True if the request may go on; otherwise the refusal is recorded and answered. */
    public boolean admit(RoutingContext context, String route, AccessEvents.Client client) {
        OptionalLong wait = limits.tryConsume(RateLimit.PER_IP, client.sourceIp());
        if (wait.isEmpty()) {
            return true;
        }
        refusals.addressRateLimited(context, wait.getAsLong(), route, client);
        return false;
    }
}
