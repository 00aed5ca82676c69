package dev.sealpost.keys.bench;

import dev.sealpost.crypto.PrivateKeys;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prepares key-service/benchmark.sh: publishes a bundle for bench-0..N-1@sealpost.test through the
 * real API (passports from /internal/passports) and prints one passport for the lookup load.
 * Usage: LoadSetup KEY_SERVICE_URL KEYCLOAK_CONSUMER_ISSUER GATEWAY_SECRET COUNT
 */
public final class LoadSetup {

    private static final Pattern PASSPORT = Pattern.compile("\"passport\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String keyService = args[0];
        String issuer = args[1];
        String secret = args[2];
        int count = Integer.parseInt(args[3]);
        HttpClient http = HttpClient.newHttpClient();
        String basic = "Basic " + Base64.getEncoder().encodeToString(("sealpost-gateway:" + secret).getBytes(StandardCharsets.UTF_8));
        byte[] bundle = PrivateKeys.generate().publicBundle().toBytes();
        String lastPassport = null;
        for (int i = 0; i < count; i++) {
            String address = "bench-" + i + "@sealpost.test";
            String body = "{\"externalIssuer\":\"" + issuer + "\",\"externalSubject\":\"bench-subject-" + i + "\",\"tenant\":\"consumer\","
                    + "\"roles\":[\"user\"],\"acr\":\"2fa\",\"audience\":\"key-service\",\"address\":\"" + address + "\"}";
            HttpResponse<String> issued = http.send(HttpRequest.newBuilder(URI.create(keyService + "/internal/passports"))
                    .header("Authorization", basic).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher matcher = PASSPORT.matcher(issued.body());
            if (issued.statusCode() != 200 || !matcher.find()) {
                throw new IllegalStateException("passport request answered " + issued.statusCode() + ": " + issued.body());
            }
            lastPassport = matcher.group(1);
            HttpResponse<String> published = http.send(HttpRequest.newBuilder(URI.create(keyService + "/api/keys/directory/" + address))
                    .header("Authorization", "Bearer " + lastPassport).header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build(), HttpResponse.BodyHandlers.ofString());
            if (published.statusCode() != 201 && published.statusCode() != 200) {
                throw new IllegalStateException("publish answered " + published.statusCode() + ": " + published.body());
            }
        }
        System.out.println(lastPassport);
    }
}
