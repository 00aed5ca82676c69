package dev.sealpost.mail.domain;

import java.util.UUID;

/** A user's mailbox: one per address, owned by (tenant, subject) from the passport. */
public record Mailbox(UUID id, String tenant, String ownerSubject, String address, long quotaBytes, long usedBytes) {
}
