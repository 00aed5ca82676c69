package dev.sealpost.client.mail;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A message as the mailbox lists it: routing metadata and flags. The content is only in the sealed envelope. */
public record MessageSummary(UUID id, String folder, long sizeBytes, String senderAddress, List<String> recipientAddresses,
        Instant sentAt, Instant receivedAt, boolean seen, boolean flagged) {
}
