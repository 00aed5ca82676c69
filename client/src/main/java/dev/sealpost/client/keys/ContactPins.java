package dev.sealpost.client.keys;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.state.Profile;

/**
 * The fingerprints this profile has seen for its contacts, pinned on first use like SSH's
 * known_hosts. A logged key change is legitimate for the directory but may still be an attack
 * on this user (a stolen account publishing a new key), so the user decides: nothing is sealed to
 * a changed key until {@link #accept} is called.
 */
public final class ContactPins {

    private final Profile profile;

    public ContactPins(Profile profile) {
        this.profile = profile;
    }

    public void check(VerifiedBundle contact) throws ClientException {
        String presented = contact.fingerprint().toHex();
        String pinned = profile.pinnedContacts().get(contact.address());
        if (pinned == null) {
            profile.pin(contact.address(), presented);
        } else if (!pinned.equals(presented)) {
            throw new ClientException.KeyChanged(contact.address(), pinned, presented);
        }
    }

    public void accept(VerifiedBundle contact) throws ClientException {
        profile.pin(contact.address(), contact.fingerprint().toHex());
    }
}
