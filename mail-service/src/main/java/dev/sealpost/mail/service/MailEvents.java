package dev.sealpost.mail.service;

import dev.sealpost.events.SecurityEvent;
import dev.sealpost.events.SecurityEventType;
import dev.sealpost.passport.Passport;

/** Builds mail-service's security events with the actor and client filled in. */
final class MailEvents {

    static final String SERVICE = "mail-service";

    private MailEvents() {
    }

    static SecurityEvent.Actor actor(Passport passport) {
        return new SecurityEvent.Actor(passport.issuer(), passport.subject(), passport.address());
    }

    /** The owner of a mailbox as an event names them: their tenant's passport issuer and their subject. */
    static SecurityEvent.Actor owner(dev.sealpost.service.security.PassportConfig passports, String tenant, String subject, String address) {
        var trusted = passports.tenants().get(tenant);
        return new SecurityEvent.Actor(trusted == null ? tenant : trusted.issuer(), subject, address);
    }

    static SecurityEvent.Builder event(SecurityEventType type, String tenant, Passport actor, RequestContext context) {
        return SecurityEvent.of(type, SERVICE).tenant(tenant).actor(actor(actor))
                .sourceIp(context.sourceIp()).userAgent(context.userAgent()).requestId(context.requestId());
    }
}
