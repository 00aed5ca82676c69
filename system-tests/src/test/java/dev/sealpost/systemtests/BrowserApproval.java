package dev.sealpost.systemtests;

import dev.sealpost.client.auth.Totp;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A person at a browser approving a device sign-in: opens the verification link, fills Keycloak's
 * own pages (username and password, the one-time code, the consent) as they come, and stops at the
 * page that says the device is signed in. Plain HTTP with cookies, no browser engine: the pages are
 * server-rendered forms.
 */
final class BrowserApproval {

    private static final Pattern FORM = Pattern.compile("<form[^>]*?action=\"([^\"]+)\"[^>]*>(.*?)</form>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("<(?:input|button)\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\w[\\w-]*)=\"([^\"]*)\"");

    private BrowserApproval() {
    }

    /** Returns the last page's text; throws if the pages did not lead to a signed-in device. */
    static String approve(String verificationUri, String username, String password, byte[] totpSecret) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(verificationUri)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        StringBuilder trail = new StringBuilder();
        for (int step = 0; step < 8; step++) {
            String html = page.body();
            trail.append(page.statusCode()).append(' ').append(page.uri().getPath()).append(" | ");
            if (html.contains("Device Login Successful") || html.toLowerCase().contains("device login successful")) {
                return html;
            }
            Matcher form = FORM.matcher(html);
            if (!form.find()) {
                throw new AssertionError("no form on the page after " + trail + ":\n" + html.substring(0, Math.min(2000, html.length())));
            }
            URI action = page.uri().resolve(form.group(1).replace("&amp;", "&"));
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher input = INPUT.matcher(form.group(2));
            while (input.find()) {
                Map<String, String> attributes = new LinkedHashMap<>();
                Matcher attribute = ATTRIBUTE.matcher(input.group(1));
                while (attribute.find()) {
                    attributes.put(attribute.group(1).toLowerCase(), attribute.group(2).replace("&amp;", "&"));
                }
                String name = attributes.get("name");
                if (name == null || "cancel".equals(name)) {
                    continue;
                }
                switch (name) {
                    case "username" -> fields.put(name, username);
                    case "password" -> fields.put(name, password);
                    case "otp", "totp" -> fields.put(name, Totp.code(totpSecret, Instant.now()));
                    default -> {
                        if (!"submit".equalsIgnoreCase(attributes.get("type")) || "accept".equals(name) || "login".equals(name)) {
                            fields.put(name, attributes.getOrDefault("value", ""));
                        }
                    }
                }
            }
            String body = fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            page = browser.send(HttpRequest.newBuilder(action).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        throw new AssertionError("the pages did not end signed in: " + trail);
    }
}
