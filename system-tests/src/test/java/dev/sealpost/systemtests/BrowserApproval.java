package dev.sealpost.systemtests;

import dev.sealpost.client.auth.Totp;

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
 * server-rendered forms. Cookies are kept by hand: Keycloak marks them Secure, and browsers send
 * Secure cookies to http://localhost (a trustworthy origin), which java.net.CookieManager does not.
 */
final class BrowserApproval {

    private static final Pattern FORM = Pattern.compile("<form[^>]*?action=\"([^\"]+)\"[^>]*>(.*?)</form>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("<(?:input|button)\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile("(\\w[\\w-]*)=\"([^\"]*)\"");

    private BrowserApproval() {
    }

    /** Returns the last page's text; throws if the pages did not lead to a signed-in device. */
    static String approve(String verificationUri, String username, String password, byte[] totpSecret) throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(URI.create(verificationUri));
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
            page = browser.post(action, body);
        }
        throw new AssertionError("the pages did not end signed in: " + trail);
    }

    /** Follows redirects and keeps cookies (by name; paths are all under the realm) like a browser on localhost. */
    private static final class Browser {
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private final Map<String, String> cookies = new LinkedHashMap<>();

        HttpResponse<String> get(URI uri) throws Exception {
            return follow(request(uri).GET().build());
        }

        HttpResponse<String> post(URI uri, String form) throws Exception {
            return follow(request(uri).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        }

        private HttpRequest.Builder request(URI uri) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
            if (!cookies.isEmpty()) {
                request.header("Cookie", cookies.entrySet().stream().map(cookie -> cookie.getKey() + "=" + cookie.getValue())
                        .collect(Collectors.joining("; ")));
            }
            return request;
        }

        private HttpResponse<String> follow(HttpRequest request) throws Exception {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            for (int redirects = 0; redirects < 10; redirects++) {
                for (String setCookie : response.headers().allValues("Set-Cookie")) {
                    String pair = setCookie.split(";", 2)[0];
                    int equals = pair.indexOf('=');
                    String value = pair.substring(equals + 1);
                    if (setCookie.toLowerCase().contains("max-age=0") || value.isEmpty()) {
                        cookies.remove(pair.substring(0, equals));
                    } else {
                        cookies.put(pair.substring(0, equals), value);
                    }
                }
                if (response.statusCode() / 100 != 3) {
                    return response;
                }
                URI next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
                response = http.send(request(next).GET().build(), HttpResponse.BodyHandlers.ofString());
            }
            throw new AssertionError("too many redirects at " + response.uri());
        }
    }
}
