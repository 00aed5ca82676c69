package dev.sealpost.gateway.routing;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Locale;

/**
 * Refuses, before any route is chosen, a path that is not in its one canonical spelling: dot segments
 * ({@code /api/keys/log/../../keys/backup}), encoded dots, slashes or backslashes, {@code ;} path
 * parameters, backslashes, empty segments and control characters. The gateway decides on the path as
 * it sees it (public or protected, which service) and forwards it as it is; a service that resolves such
 * a path differently would serve another endpoint than the one the gateway checked. With only canonical
 * paths let through, the path that is routed and the path that is forwarded are the same.
 */
@ApplicationScoped
public class CanonicalPaths {

    void register(@Observes Router router) {
        router.route().order(-100).handler(this::refuseNonCanonical);
    }

    private void refuseNonCanonical(RoutingContext context) {
        String path = context.request().path();
        String problem = path == null ? "the request has no path" : whatIsWrong(path);
        if (problem != null) {
            Problems.send(context, 400, "Bad Request", problem);
            return;
        }
        context.next();
    }

    /** Why {@code rawPath} (as received, still percent-encoded, without the query) is refused; null when it is canonical. */
    public static String whatIsWrong(String rawPath) {
        if (!rawPath.startsWith("/")) {
            return "the request path must start with /";
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c")) {
            return "the request path may not encode '.', '/' or '\\'";
        }
        if (lower.contains("%00") || lower.contains("%0") || lower.contains("%1") || lower.contains("%7f")) {
            return "the request path contains a control character";
        }
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '\\' || c == ';' || c <= 0x20 || c >= 0x7f) {
                return "the request path contains a character that is not allowed in it ('\\', ';', space or a control character)";
            }
        }
        if (rawPath.length() > 1) {
            String[] segments = rawPath.substring(1).split("/", -1);
            for (int i = 0; i < segments.length; i++) {
                String segment = segments[i];
                if (segment.equals(".") || segment.equals("..")) {
                    return "the request path may not contain '.' or '..' segments";
                }
                if (segment.isEmpty() && i < segments.length - 1) {
                    return "the request path may not contain empty segments ('//')";
                }
            }
        }
        return null;
    }
}
