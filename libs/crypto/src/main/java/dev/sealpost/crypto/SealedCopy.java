package dev.sealpost.crypto;

import java.util.List;

/**
 * One sealed envelope of a message and the addresses it is to be delivered to: the To and Cc
 * recipients share one copy, each Bcc recipient has their own. The sender can open every copy.
 */
public record SealedCopy(List<String> deliverTo, byte[] envelope) {

    public SealedCopy {
        deliverTo = List.copyOf(deliverTo);
    }
}
