package dev.sealpost.keys.service;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.keys.config.KeyServiceConfig;
import dev.sealpost.crypto.KeyPurpose;
import dev.sealpost.passport.PassportSigner;
import dev.sealpost.passport.UserIds;
import dev.sealpost.service.rest.MailAddresses;
import dev.sealpost.service.rest.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Issues passports for identities the gateway has already validated. The tenant must be the one
 * whose identity provider is the external issuer — a consumer login can never become an acme
 * passport, whatever the gateway asks for — and the passport is signed with that tenant's ACTIVE
 * passport key only.
 */
@ApplicationScoped
public class PassportIssuer {

    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final int MAX_ROLES = 32;
    private static final int MAX_SUBJECT_LENGTH = 255;
    private static final Set<String> ACR_VALUES = Set.of("2fa", "password");

    private final Tenants tenants;
    private final ActiveSigningKeys activeKeys;
    private final KeyServiceConfig config;
    private final RefusalEvents refusals;

    public PassportIssuer(Tenants tenants, ActiveSigningKeys activeKeys, KeyServiceConfig config, RefusalEvents refusals) {
        this.refusals = refusals;
        this.tenants = tenants;
        this.activeKeys = activeKeys;
        this.config = config;
    }

    /** An external identity, already validated by the gateway. */
    public record Request(String externalIssuer, String externalSubject, String tenant, List<String> roles, String acr, String audience,
            String address) {
    }

    public record Issued(String passport, String subject, Instant expiresAt) {
    }

    public Issued issue(Request request) {
        if (request == null || blank(request.externalIssuer()) || blank(request.externalSubject()) || blank(request.tenant())
                || blank(request.audience()) || blank(request.acr())) {
            throw ProblemException.badRequest("externalIssuer, externalSubject, tenant, acr and audience are required");
        }
        if (request.externalSubject().length() > MAX_SUBJECT_LENGTH || request.externalIssuer().length() > 512) {
            throw ProblemException.badRequest("externalSubject or externalIssuer is too long");
        }
        List<String> roles = request.roles() == null ? List.of() : request.roles();
        if (roles.size() > MAX_ROLES || !roles.stream().allMatch(role -> role != null && ROLE.matcher(role).matches())) {
            throw ProblemException.badRequest("at most " + MAX_ROLES + " roles of letters, digits and _.:- (64 characters each)");
        }
        if (!ACR_VALUES.contains(request.acr())) {
            throw ProblemException.badRequest("acr must be one of " + ACR_VALUES);
        }
        if (!config.passports().audiences().contains(request.audience())) {
            throw ProblemException.badRequest("unknown audience");
        }
        if (!tenants.exists(request.tenant())
                || !tenants.byExternalIssuer(request.externalIssuer()).map(request.tenant()::equals).orElse(false)) {
            refusals.passportRefused(tenants.exists(request.tenant()) ? request.tenant() : RefusalEvents.UNATTRIBUTED,
                    new SecurityEvent.Actor(request.externalIssuer(), request.externalSubject(), null), "issuer_tenant_mismatch",
                    "passport:" + request.audience());
            throw ProblemException.forbidden("the external issuer does not belong to that tenant");
        }
        String address = null;
        if (request.address() != null) {
            address = MailAddresses.normalize(request.address());
            if (!tenants.byAddress(address).map(request.tenant()::equals).orElse(false)) {
                refusals.passportRefused(request.tenant(), new SecurityEvent.Actor(request.externalIssuer(), request.externalSubject(),
                        null), "address_outside_tenant", "passport:" + request.audience());
                throw ProblemException.forbidden("the address is not in one of this tenant's domains");
            }
        }
        ActiveSigningKeys.Signer signer = activeKeys.signer(request.tenant(), KeyPurpose.PASSPORT)
                .orElseThrow(() -> new ProblemException(503, "Service Unavailable", "no active passport key yet"));
        String subject = UserIds.of(request.externalIssuer(), request.externalSubject());
        PassportSigner.Claims claims = new PassportSigner.Claims(tenants.issuer(request.tenant()), request.tenant(), subject,
                request.audience(), Set.copyOf(roles), request.acr(), address, Instant.now(), config.passports().lifetime());
        String passport = PassportSigner.sign(claims, signer.kid(), signer.privateKey(), UUID.randomUUID().toString());
        return new Issued(passport, subject, claims.expiresAt());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
