package dev.sealpost.crypto;

import dev.sealpost.crypto.internal.Addresses;

/** The user at this client: their own address and private keys. Seals as the sender, opens as the reader. */
public record Mailbox(String address, PrivateKeys keys) {

    public Mailbox {
        if (!Addresses.isValid(address)) {
            throw new IllegalArgumentException("not a mail address");
        }
        if (keys == null) {
            throw new IllegalArgumentException("a mailbox needs its private keys");
        }
        address = Addresses.normalized(address);
    }

    /** This mailbox as others see it. */
    public Contact contact() {
        return new Contact(address, keys.publicBundle());
    }
}
