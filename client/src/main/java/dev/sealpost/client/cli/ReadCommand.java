package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.mail.OpenedMessage;
import dev.sealpost.crypto.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

@Command(name = "read", description = "Open a message here: the sender's signature is verified with their logged key before anything is shown")
final class ReadCommand implements Callable<Integer> {

    @ParentCommand
    SealpostCli cli;

    @Parameters(index = "0", description = "Message id (from sealpost inbox)")
    String id;

    @Option(names = "--save-attachments", description = "Write the attachments into this directory, under their names made safe")
    Path attachmentDirectory;

    @Mixin
    KeysCommand.PassphraseOption passphrase = new KeysCommand.PassphraseOption();

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        UUID messageId = MessageCommands.messageId(id);
        Sealpost client = cli.signedIn();
        try (OpenedMessage message = client.mail().read(messageId, client.unlock(passphrase.read(terminal)))) {
            List<String> saved = save(message);
            Optional<Manifest> manifest = message.manifest();
            if (terminal.json()) {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("summary", message.summary());
                view.put("formatVersion", message.formatVersion());
                manifest.ifPresent(signed -> {
                    view.put("messageId", signed.messageId().toString());
                    view.put("date", signed.date().toString());
                    view.put("from", signed.from());
                    view.put("to", signed.to());
                    view.put("cc", signed.cc());
                    view.put("bcc", signed.bcc());
                    view.put("inReplyTo", signed.inReplyTo().map(Object::toString).orElse(null));
                });
                view.put("subject", message.subject());
                view.put("body", new String(message.body(), StandardCharsets.UTF_8));
                view.put("attachments", message.attachments().stream()
                        .map(a -> Map.of("name", a.name(), "mediaType", a.mediaType(), "length", a.length())).toList());
                view.put("savedAttachments", saved);
                view.put("signature", "verified");
                view.put("senderFingerprint", message.senderFingerprint());
                view.put("senderKeyVersion", message.senderKeyVersion());
                terminal.printJson(view);
                return 0;
            }
            String signer = "  (signature verified, key version " + message.senderKeyVersion() + ", fingerprint "
                    + message.senderFingerprint().substring(0, 16) + "…)";
            if (manifest.isPresent()) {
                Manifest signed = manifest.get();
                terminal.line("From:      " + Terminal.printable(signed.from()) + signer);
                terminal.line("To:        " + Terminal.printable(String.join(", ", signed.to())));
                if (!signed.cc().isEmpty()) {
                    terminal.line("Cc:        " + Terminal.printable(String.join(", ", signed.cc())));
                }
                if (!signed.bcc().isEmpty()) {
                    terminal.line("Bcc:       " + Terminal.printable(String.join(", ", signed.bcc())) + "  (your blind copy)");
                }
                terminal.line("Date:      " + signed.date() + "  (signed by the sender)");
                terminal.line("Id:        " + signed.messageId() + signed.inReplyTo().map(parent -> "  (reply to " + parent + ")").orElse(""));
            } else {
                terminal.line("From:      " + message.summary().senderAddress() + signer);
                terminal.line("To:        " + String.join(", ", message.summary().recipientAddresses()) + "  (format 1: as the server lists them)");
                terminal.line("Date:      " + message.summary().sentAt() + "  (format 1: the server's time)");
            }
            terminal.line("Subject:   " + Terminal.printable(message.subject()));
            for (OpenedMessage.OpenedAttachment attachment : message.attachments()) {
                terminal.line("Attached:  " + Terminal.printable(attachment.name()) + "  (" + Terminal.printable(attachment.mediaType()) + ", "
                        + Terminal.human(attachment.length()) + ")");
            }
            if (!message.attachments().isEmpty()) {
                terminal.line(saved.isEmpty() ? "           save with --save-attachments DIR" : "Saved:     " + String.join(", ", saved));
            }
            terminal.line("");
            terminal.line(Terminal.printableText(new String(message.body(), StandardCharsets.UTF_8)));
            return 0;
        }
    }

    private List<String> save(OpenedMessage message) throws ClientException {
        if (attachmentDirectory == null) {
            return List.of();
        }
        try {
            return message.saveAttachments(attachmentDirectory).stream().map(Path::toString).toList();
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot save the attachments: " + e.getMessage(), e);
        }
    }
}
