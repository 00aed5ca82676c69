package dev.sealpost.passport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Where a verifier gets a tenant's JWKS. Only ever called with a configured URL. */
@FunctionalInterface
public interface JwksSource {

    /** Largest JWKS document accepted: a tenant has a handful of keys. */
    int MAX_JWKS_BYTES = 64 * 1024;

    String fetch(URI jwksUrl) throws IOException;

    /** Plain HTTP(S) GET with short timeouts and a size limit; no redirects followed. */
    static JwksSource http() {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        return url -> {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(3)).header("Accept", "application/json").GET().build();
            try {
                HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() != 200) {
                        throw new IOException("JWKS answered " + response.statusCode());
                    }
                    byte[] bytes = body.readNBytes(MAX_JWKS_BYTES + 1);
                    if (bytes.length > MAX_JWKS_BYTES) {
                        throw new IOException("JWKS over " + MAX_JWKS_BYTES + " bytes");
                    }
                    return new String(bytes, StandardCharsets.UTF_8);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while fetching the JWKS", e);
            }
        };
    }
}
