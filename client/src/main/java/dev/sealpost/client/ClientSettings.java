package dev.sealpost.client;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the client finds Sealpost: the gateway, the sign-in server, and which realm (tenant) serves
 * which mail domain. Defaults fit the local stack ({@code ./sealpost up}); environment variables
 * override them: {@code SEALPOST_GATEWAY_URL}, {@code SEALPOST_KEYCLOAK_URL},
 * {@code SEALPOST_REALMS} ("domain=realm,domain=realm").
 */
public record ClientSettings(URI gateway, URI keycloak, Map<String, String> realmsByDomain) {

    public static final Map<String, String> LOCAL_REALMS = Map.of("sealpost.test", "consumer", "acme.test", "acme");

    public ClientSettings {
        realmsByDomain = Map.copyOf(realmsByDomain);
    }

    public static ClientSettings fromEnvironment() {
        return from(System.getenv());
    }

    /** From the given variables (the environment, or a test's map). */
    public static ClientSettings from(Map<String, String> env) {
        URI gateway = URI.create(env.getOrDefault("SEALPOST_GATEWAY_URL",
                "http://127.0.0.1:" + env.getOrDefault("SEALPOST_GATEWAY_PORT", "8080")));
        // the issuer the gateway trusts is spelled with "localhost"; the token's iss must match it exactly
        URI keycloak = URI.create(env.getOrDefault("SEALPOST_KEYCLOAK_URL",
                "http://localhost:" + env.getOrDefault("SEALPOST_KEYCLOAK_PORT", "18080")));
        Map<String, String> realms = new LinkedHashMap<>(LOCAL_REALMS);
        String configured = env.get("SEALPOST_REALMS");
        if (configured != null && !configured.isBlank()) {
            realms.clear();
            for (String pair : configured.split(",")) {
                String[] parts = pair.trim().split("=", 2);
                if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                    throw new IllegalArgumentException("SEALPOST_REALMS is a list of domain=realm pairs, not \"" + pair + "\"");
                }
                realms.put(parts[0].trim(), parts[1].trim());
            }
        }
        return new ClientSettings(gateway, keycloak, realms);
    }

    public Optional<String> realmOf(String domain) {
        return Optional.ofNullable(realmsByDomain.get(domain));
    }

    /** The realm's issuer URL: where to sign in. */
    public URI realmUri(String realm) {
        return URI.create(keycloak.toString().replaceAll("/+$", "") + "/realms/" + realm);
    }
}
