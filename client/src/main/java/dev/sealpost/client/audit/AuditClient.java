package dev.sealpost.client.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.client.ClientException;
import dev.sealpost.client.http.ApiHttp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The audit log: every user's own security log, and for SOC analysts the tenant's events and exports. */
public final class AuditClient {

    public static final Set<String> EXPORT_FORMATS = Set.of("ocsf", "cef", "jsonl");

    private final ApiHttp api;

    public AuditClient(ApiHttp api) {
        this.api = api;
    }

    /** Filters as the audit API takes them; null means "any". Times are ISO-8601 instants. */
    public record Filter(String type, String from, String to, String actor, String outcome, String ip) {
        public static final Filter ANY = new Filter(null, null, null, null, null, null);

        Map<String, Object> query() {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("type", type);
            query.put("from", from);
            query.put("to", to);
            query.put("actor", actor);
            query.put("outcome", outcome);
            query.put("ip", ip);
            return query;
        }
    }

    /** A page of events as the service returns them (JSON), and the cursor of the next page. */
    public record Page(JsonNode events, String next) {
    }

    /** My own security log: sign-ins, mailbox accesses, deliveries, key changes. */
    public Page mine(String type, Integer limit, String after) throws ClientException {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("type", type);
        query.put("limit", limit);
        query.put("after", after);
        return page(api.getJson("/api/audit/me/events" + ApiHttp.query(query)));
    }

    /** The tenant's events (role soc-analyst); the query itself is recorded. */
    public Page tenant(Filter filter, Integer limit, String after) throws ClientException {
        Map<String, Object> query = filter.query();
        query.put("limit", limit);
        query.put("after", after);
        return page(api.getJson("/api/audit/events" + ApiHttp.query(query)));
    }

    /** Streams the tenant's events in a SIEM format into {@code out}; returns the bytes written. */
    public long export(String format, Filter filter, OutputStream out) throws ClientException {
        if (!EXPORT_FORMATS.contains(format)) {
            throw new ClientException.LocalState("the export format is one of " + EXPORT_FORMATS);
        }
        Map<String, Object> query = filter.query();
        query.put("format", format);
        try (InputStream in = api.getStream("/api/audit/export" + ApiHttp.query(query))) {
            return in.transferTo(out);
        } catch (IOException e) {
            throw new ClientException.Unreachable("the export stopped: " + e.getMessage(), e);
        }
    }

    private static Page page(JsonNode page) {
        return new Page(page.path("events"), page.hasNonNull("next") ? page.get("next").asText() : null);
    }
}
