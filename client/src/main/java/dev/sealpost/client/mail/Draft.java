package dev.sealpost.client.mail;

import java.nio.file.Path;
import java.util.List;

/** What the user wants to send, before sealing. Attachments are streamed from their files. */
public record Draft(List<String> to, String subject, byte[] body, List<Path> attachments) {

    public Draft {
        to = List.copyOf(to);
        attachments = List.copyOf(attachments);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
