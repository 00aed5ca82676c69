package dev.sealpost.client.mail;

import dev.sealpost.crypto.MessageId;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the user wants to send, before sealing. Attachments are streamed from their files and carry
 * their file names. {@code thread} is set for a reply: the message answered and the thread's ids.
 */
public record Draft(List<String> to, List<String> cc, List<String> bcc, String subject, byte[] body, List<Path> attachments,
        Thread thread) {

    /** The message a reply answers and the ids of its thread, oldest first, ending with it. */
    public record Thread(MessageId inReplyTo, List<MessageId> references) {
        public Thread {
            references = List.copyOf(references);
        }
    }

    public Draft {
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        bcc = List.copyOf(bcc);
        attachments = List.copyOf(attachments);
        body = body.clone();
    }

    /** A new message to {@code to} only. */
    public Draft(List<String> to, String subject, byte[] body, List<Path> attachments) {
        this(to, List.of(), List.of(), subject, body, attachments, null);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** To, Cc and Bcc, in that order. */
    public List<String> addresses() {
        List<String> all = new ArrayList<>(to);
        all.addAll(cc);
        all.addAll(bcc);
        return all;
    }
}
