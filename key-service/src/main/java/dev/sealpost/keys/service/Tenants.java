package dev.sealpost.keys.service;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.keys.config.KeyServiceConfig;
import dev.sealpost.crypto.KeyPurpose;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The configured tenants and the URLs derived for them, and who holds signing keys: every tenant
 * for every purpose, and the {@value SecurityEvent#UNATTRIBUTED_TENANT} pseudo-tenant for
 * {@link KeyPurpose#AUDIT} only. Events nobody can be attributed to (bad tokens, refusals before a
 * tenant is known) form a hash chain of their own in audit-service; it is sealed like every other
 * chain, but that pseudo-tenant has no users, so it never signs passports or tree heads.
 */
@ApplicationScoped
public class Tenants {

    /** The pseudo-tenant of unattributed events. */
    public static final String UNATTRIBUTED = SecurityEvent.UNATTRIBUTED_TENANT;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private final KeyServiceConfig config;
    private final Set<String> keyHolders;

    public Tenants(KeyServiceConfig config) {
        this.config = config;
        config.tenants().keySet().forEach(name -> {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalStateException("tenant names are lower-case letters, digits and '-': " + name);
            }
            if (name.equals(UNATTRIBUTED)) {
                throw new IllegalStateException("'" + UNATTRIBUTED + "' is the pseudo-tenant of unattributed events, not a tenant name");
            }
        });
        Set<String> holders = new TreeSet<>(config.tenants().keySet());
        holders.add(UNATTRIBUTED);
        this.keyHolders = Set.copyOf(holders);
    }

    /** Everyone that holds signing keys, in a stable order: the tenants and the pseudo-tenant. */
    public Set<String> keyHolders() {
        return keyHolders;
    }

    /** Whether {@code tenant} holds signing keys for {@code purpose}. */
    public boolean holdsKeys(String tenant, KeyPurpose purpose) {
        return exists(tenant) || (UNATTRIBUTED.equals(tenant) && purpose == KeyPurpose.AUDIT);
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
        return config.publicUrl() + purpose.jwksPath(tenant);
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
