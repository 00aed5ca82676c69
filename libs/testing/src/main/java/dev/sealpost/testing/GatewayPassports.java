package dev.sealpost.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks a running key-service for a passport the way the gateway does (POST /internal/passports with
 * the gateway's client credential), for the benchmarks that drive services directly.
 */
public final class GatewayPassports {

    private static final Pattern PASSPORT = Pattern.compile("\"passport\":\"([^\"]+)\"");
    private static final Pattern SUBJECT = Pattern.compile("\"sub\":\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private GatewayPassports() {
    }

    /** A passport of tenant {@code consumer} with role user and 2FA, for the audience. */
    public static String request(String keyServiceUrl, String gatewaySecret, String externalIssuer, String externalSubject,
            String audience, String address) throws IOException, InterruptedException {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("sealpost-gateway:" + gatewaySecret).getBytes(StandardCharsets.UTF_8));
        String body = "{\"externalIssuer\":\"" + externalIssuer + "\",\"externalSubject\":\"" + externalSubject + "\",\"tenant\":\"consumer\","
                + "\"roles\":[\"user\"],\"acr\":\"2fa\",\"audience\":\"" + audience + "\",\"address\":\"" + address + "\"}";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(keyServiceUrl + "/internal/passports"))
                .header("Authorization", basic).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher matcher = PASSPORT.matcher(response.body());
        if (response.statusCode() != 200 || !matcher.find()) {
            throw new IllegalStateException("passport: " + response.statusCode() + " " + response.body());
        }
        return matcher.group(1);
    }

    /** The passport's subject (key-service derives it from the external issuer and subject). */
    public static String subject(String passport) {
        String claims = new String(Base64.getUrlDecoder().decode(passport.split("\\.")[1]), StandardCharsets.UTF_8);
        Matcher matcher = SUBJECT.matcher(claims);
        if (!matcher.find()) {
            throw new IllegalStateException("no sub in the passport");
        }
        return matcher.group(1);
    }
}
