package dev.sealpost.gateway.routing;

import dev.sealpost.service.rest.Problem;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem answers written by the gateway itself (the services write their own). */
public final class Problems {

    private Problems() {
    }

    public static void send(RoutingContext context, int status, String title, String detail) {
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        context.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE).end(Problem.json(status, title, detail));
    }
}
