package dev.sealpost.keys.service;

import dev.sealpost.keys.config.KeyServiceConfig;
import dev.sealpost.keys.domain.KeyPurpose;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The configured tenants and the URLs derived for them. */
@ApplicationScoped
public class Tenants {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private final KeyServiceConfig config;

    public Tenants(KeyServiceConfig config) {
        this.config = config;
        config.tenants().keySet().forEach(name -> {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalStateException("tenant names are lower-case letters, digits and '-': " + name);
            }
        });
    }

    public Set<String> names() {
        return config.tenants().keySet();
    }

    public boolean exists(String tenant) {
        return tenant != null && config.tenants().containsKey(tenant);
    }

    /** The issuer of this tenant's passports (and tree heads): one URL per tenant. */
    public String issuer(String tenant) {
        return config.publicUrl() + "/api/keys/tenants/" + tenant;
    }

    public String jwksUrl(String tenant, KeyPurpose purpose) {
        return issuer(tenant) + "/jwks/" + purpose.pathSegment();
    }

    /** The tenant an address belongs to, by its domain. */
    public Optional<String> byAddress(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return Optional.empty();
        }
        String domain = address.substring(at + 1);
        return config.tenants().entrySet().stream()
                .filter(entry -> entry.getValue().domains().contains(domain))
                .map(java.util.Map.Entry::getKey)
                .findFirst();
    }

    /** The tenant whose identity provider is {@code externalIssuer}, if any. */
    public Optional<String> byExternalIssuer(String externalIssuer) {
        return config.tenants().entrySet().stream()
                .filter(entry -> entry.getValue().externalIssuer().equals(externalIssuer))
                .map(java.util.Map.Entry::getKey)
                .findFirst();
    }
}
