package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What send, reply and forward share: the text (a file or standard input) and attached files. */
final class ComposeOptions {

    private static final long MAX_BODY_FROM_STDIN = 25L * 1024 * 1024;

    @Option(names = "--body-file", description = "The text from this file (default: standard input)")
    Path bodyFile;

    @Option(names = "--attach", description = "Attach a file (repeat for more)")
    List<Path> attachments = new ArrayList<>();

    /** The body from {@code --body-file}, else standard input (at most 25 MiB). */
    byte[] body() throws ClientException {
        try {
            if (bodyFile != null) {
                return Files.readAllBytes(bodyFile);
            }
            byte[] body = System.in.readNBytes((int) MAX_BODY_FROM_STDIN + 1);
            if (body.length > MAX_BODY_FROM_STDIN) {
                throw new ClientException.LocalState("the body is larger than 25 MiB; attach it as a file instead");
            }
            return body;
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot read the body: " + e.getMessage(), e);
        }
    }

    String text() throws ClientException {
        return new String(body(), StandardCharsets.UTF_8);
    }

    /** The files to attach, each checked to exist before anything is sealed. */
    List<Path> attachments() throws ClientException {
        for (Path attachment : attachments) {
            if (!Files.isRegularFile(attachment)) {
                throw new ClientException.LocalState("no such file to attach: " + attachment);
            }
        }
        return List.copyOf(attachments);
    }
}
