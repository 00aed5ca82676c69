package dev.sealpost.client.auth;

import java.time.Duration;
import java.time.Instant;

/** A started OAuth 2.0 device authorization (RFC 8628): show the user the code and where to enter it. */
public record DeviceAuthorization(String deviceCode, String userCode, String verificationUri, String verificationUriComplete,
        Duration pollInterval, Instant expiresAt) {

    @Override
    public String toString() {
        return "DeviceAuthorization[user code " + userCode + " at " + verificationUri + ", until " + expiresAt + "]";
    }
}
