import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a demo user in to the local Keycloak the way the CLI will: OAuth password grant on the public
 * client "sealpost-cli" with a TOTP code (RFC 6238, SHA-1, 6 digits, 30 s) as second factor.
 * Run by ./sealpost (single-file source launch, no build needed):
 *   java DemoLogin.java KEYCLOAK_URL REALM USER PASSWORD TOTP_SECRET [token|claims]
 * "token" prints the access token (for curl); "claims" prints iss, aud and sub only.
 */
public class DemoLogin {

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: java DemoLogin.java KEYCLOAK_URL REALM USER PASSWORD TOTP_SECRET [token|claims]");
            System.exit(2);
        }
        String mode = args.length > 5 ? args[5] : "token";
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", "sealpost-cli");
        form.put("scope", "openid");
        form.put("username", args[2]);
        form.put("password", args[3]);
        form.put("totp", totp(args[4].getBytes(StandardCharsets.UTF_8), Instant.now().getEpochSecond() / 30));
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(args[0] + "/realms/" + args[1] + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            System.err.println("sign-in of " + args[2] + " in realm " + args[1] + " failed: HTTP "
                    + response.statusCode() + " " + field(response.body(), "error"));
            System.exit(1);
        }
        String accessToken = field(response.body(), "access_token");
        if ("claims".equals(mode)) {
            String payload = new String(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]), StandardCharsets.UTF_8);
            System.out.println("iss=" + field(payload, "iss") + " aud=" + audience(payload) + " sub=" + field(payload, "sub"));
        } else {
            System.out.println(accessToken);
        }
    }

    static String totp(byte[] key, long counter) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    static String audience(String json) {
        Matcher m = Pattern.compile("\"aud\"\\s*:\\s*(\\[[^\\]]*\\]|\"[^\"]*\")").matcher(json);
        return m.find() ? m.group(1) : "";
    }
}
