package dev.sealpost.mail.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What a listing shows of a message: routing metadata and flags, never content. */
public record MessageSummary(UUID id, String folder, long sizeBytes, String senderAddress, List<String> recipientAddresses,
        Instant sentAt, Instant receivedAt, boolean seen, boolean flagged) {
}
