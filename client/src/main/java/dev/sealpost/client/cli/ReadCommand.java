package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.mail.OpenedMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

@Command(name = "read", description = "Open a message here: the sender's signature is verified with their logged key before anything is shown")
final class ReadCommand implements Callable<Integer> {

    @ParentCommand
    SealpostCli cli;

    @Parameters(index = "0", description = "Message id (from sealpost inbox)")
    String id;

    @Option(names = "--save-attachments", description = "Write the attachments into this directory (attachment-1, attachment-2, ...)")
    Path attachmentDirectory;

    @Mixin
    KeysCommand.PassphraseOption passphrase = new KeysCommand.PassphraseOption();

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        UUID messageId = MessageCommands.messageId(id);
        Sealpost client = cli.signedIn();
        OpenedMessage message = client.mail().read(messageId, client.unlock(passphrase.read(terminal)));
        List<String> saved = save(message);
        if (terminal.json()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("summary", message.summary());
            view.put("subject", message.subject());
            view.put("body", new String(message.body(), StandardCharsets.UTF_8));
            view.put("attachments", message.attachments().size());
            view.put("savedAttachments", saved);
            view.put("signature", "verified");
            view.put("senderFingerprint", message.senderFingerprint());
            view.put("senderKeyVersion", message.senderKeyVersion());
            terminal.printJson(view);
            return 0;
        }
        terminal.line("From:      " + message.summary().senderAddress() + "  (signature verified, key version "
                + message.senderKeyVersion() + ", fingerprint " + message.senderFingerprint().substring(0, 16) + "…)");
        terminal.line("To:        " + String.join(", ", message.summary().recipientAddresses()));
        terminal.line("Date:      " + message.summary().sentAt());
        terminal.line("Subject:   " + message.subject());
        if (!message.attachments().isEmpty()) {
            terminal.line("Attached:  " + message.attachments().size() + " file(s)"
                    + (saved.isEmpty() ? " (save with --save-attachments DIR)" : ", saved: " + String.join(", ", saved)));
        }
        terminal.line("");
        terminal.line(new String(message.body(), StandardCharsets.UTF_8));
        return 0;
    }

    private List<String> save(OpenedMessage message) throws ClientException {
        List<String> saved = new ArrayList<>();
        if (attachmentDirectory == null) {
            return saved;
        }
        try {
            Files.createDirectories(attachmentDirectory);
            for (int i = 0; i < message.attachments().size(); i++) {
                Path file = attachmentDirectory.resolve("attachment-" + (i + 1));
                Files.write(file, message.attachments().get(i));
                saved.add(file.toString());
            }
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot save the attachments: " + e.getMessage(), e);
        }
        return saved;
    }
}
