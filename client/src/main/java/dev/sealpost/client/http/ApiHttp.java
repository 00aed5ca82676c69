package dev.sealpost.client.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sealpost.client.ClientException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The SDK's one way to call the gateway: bearer token from {@link AccessTokens}, a fresh
 * {@code X-Request-Id} per call (so a support case can be traced through every service), problem
 * responses turned into {@link ClientException.ApiProblem}. The token is never logged or echoed.
 */
public final class ApiHttp {

    /** Where the SDK gets a valid access token for each call (refreshing it when needed). */
    @FunctionalInterface
    public interface AccessTokens {
        String current() throws ClientException;
    }

    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int MAX_ERROR_BODY = 16 * 1024;

    private final HttpClient http;
    private final URI gateway;
    private final AccessTokens tokens;

    public ApiHttp(URI gateway, AccessTokens tokens) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.gateway = gateway;
        this.tokens = tokens;
    }

    public URI gateway() {
        return gateway;
    }

    public JsonNode getJson(String path) throws ClientException {
        return json(send(authorized(path).GET(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    /** A call that needs no token (public key material and logs). */
    public JsonNode getPublicJson(String path) throws ClientException {
        return json(send(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    public byte[] getBytes(String path) throws ClientException {
        return send(authorized(path).GET(), HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    /** A streamed answer (exports); the caller closes the stream. */
    public InputStream getStream(String path) throws ClientException {
        return send(authorized(path).GET(), HttpResponse.BodyHandlers.ofInputStream()).body();
    }

    public JsonNode putBytes(String path, byte[] body) throws ClientException {
        return json(send(authorized(path).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofByteArray()));
    }

    public JsonNode post(String path, HttpRequest.BodyPublisher body, String contentType, Map<String, String> headers)
            throws ClientException {
        HttpRequest.Builder request = authorized(path).header("Content-Type", contentType).POST(body);
        headers.forEach(request::header);
        return json(send(request, HttpResponse.BodyHandlers.ofByteArray()));
    }

    public JsonNode sendJson(String method, String path, Object body) throws ClientException {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
            return json(send(authorized(path).header("Content-Type", "application/json").method(method, publisher),
                    HttpResponse.BodyHandlers.ofByteArray()));
        } catch (IOException e) {
            throw new ClientException.Unreachable("could not encode the request", e);
        }
    }

    public static String query(Map<String, ?> parameters) {
        String joined = parameters.entrySet().stream().filter(entry -> entry.getValue() != null)
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(String.valueOf(entry.getValue()), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return joined.isEmpty() ? "" : "?" + joined;
    }

    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(gateway.resolve(path)).timeout(TIMEOUT).header("X-Request-Id", UUID.randomUUID().toString())
                .header("User-Agent", "sealpost-sdk/0.1");
    }

    private HttpRequest.Builder authorized(String path) throws ClientException {
        return request(path).header("Authorization", "Bearer " + tokens.current());
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) throws ClientException {
        HttpResponse<T> response;
        try {
            response = http.send(request.build(), handler);
        } catch (IOException e) {
            throw new ClientException.Unreachable("cannot reach " + gateway + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException.Unreachable("interrupted", e);
        }
        if (response.statusCode() >= 400) {
            throw problem(response);
        }
        return response;
    }

    private static ClientException.ApiProblem problem(HttpResponse<?> response) {
        byte[] body = readBody(response.body());
        String title = "HTTP " + response.statusCode();
        String detail = null;
        try {
            JsonNode problem = JSON.readTree(body);
            if (problem != null && problem.isObject()) {
                title = problem.path("title").asText(title);
                detail = problem.hasNonNull("detail") ? problem.get("detail").asText() : null;
            }
        } catch (IOException notJson) {
            // an error page that is not a problem document: the status says enough
        }
        return new ClientException.ApiProblem(response.statusCode(), title, detail,
                response.headers().firstValue("Retry-After").orElse(null));
    }

    private static byte[] readBody(Object body) {
        if (body instanceof byte[] bytes) {
            return bytes.length > MAX_ERROR_BODY ? new byte[0] : bytes;
        }
        if (body instanceof InputStream stream) {
            try (stream) {
                return stream.readNBytes(MAX_ERROR_BODY);
            } catch (IOException e) {
                return new byte[0];
            }
        }
        return new byte[0];
    }

    private static JsonNode json(HttpResponse<byte[]> response) throws ClientException {
        byte[] body = response.body();
        if (body == null || body.length == 0) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ClientException.Unreachable("the gateway answered something that is not JSON", e);
        }
    }
}
