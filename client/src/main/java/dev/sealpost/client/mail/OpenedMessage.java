package dev.sealpost.client.mail;

import java.util.List;

/**
 * A message opened on this client: every signature and tag verified before any of this existed.
 * {@code senderKeyVersion} names the logged key of the sender that signed it.
 */
public record OpenedMessage(MessageSummary summary, String subject, byte[] body, List<byte[]> attachments, String senderFingerprint,
        long senderKeyVersion) {
}
