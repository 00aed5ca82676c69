package dev.sealpost.client.mail;

import java.time.Instant;
import java.util.List;

/**
 * One line of an inbox: the server's summary and, when the head verified, what it says. {@code head}
 * is null when it could not be shown; {@code problem} says why.
 */
public record InboxEntry(MessageSummary summary, Head head, String problem) {

    /** Verified from the envelope's head: subject, the signed sender and date, attachment names, whether it is a reply. */
    public record Head(String subject, String from, Instant date, List<String> attachmentNames, boolean reply) {
    }
}
