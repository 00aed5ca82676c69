package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.Addresses;

/** Someone's address and the public bundle the client verified for it: a recipient, or the sender a message claims. */
public record Contact(String address, PublicBundle bundle) {

    public Contact {
        if (!Addresses.isValid(address)) {
            throw new IllegalArgumentException("not a mail address");
        }
        if (bundle == null) {
            throw new IllegalArgumentException("a contact needs a public bundle");
        }
        address = Addresses.normalized(address);
    }
}
