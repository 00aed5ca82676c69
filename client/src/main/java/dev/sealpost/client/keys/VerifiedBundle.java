package dev.sealpost.client.keys;

import dev.sealpost.crypto.Fingerprint;
import dev.sealpost.crypto.PublicBundle;

/** A public bundle whose presence in its tenant's transparency log this client has checked. */
public record VerifiedBundle(String address, long version, PublicBundle bundle, String tenant, long treeSize) {

    public Fingerprint fingerprint() {
        return bundle.fingerprint();
    }
}
