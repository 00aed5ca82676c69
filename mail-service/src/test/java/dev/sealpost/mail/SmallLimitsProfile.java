package dev.sealpost.mail;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * Small limits, so that tests reach them with a few requests: a quota of 80,000 bytes, three clients
 * per minute in the access log, three folders of one's own; trash retention 0 s; a fast relay.
 * Every class with this profile and the same test resource shares one application and database.
 */
public class SmallLimitsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sealpost.mail.default-quota-bytes", "80000",
                "sealpost.mail.trash-retention", "0s",
                "sealpost.events.relay-interval", "200ms",
                "sealpost.mail.access-log-clients-per-minute", "3",
                "sealpost.mail.max-user-folders", "3");
    }
}
