package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.mail.Draft;
import dev.sealpost.client.mail.MailClient;
import dev.sealpost.client.mail.OpenedMessage;
import dev.sealpost.client.mail.ReplyDrafts;
import dev.sealpost.client.state.LocalFiles;
import dev.sealpost.crypto.PrivateKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "forward", description = {"Forward a message, its attachments included (--attach adds more), sealed anew to other recipients.",
        "The recipients' keys are checked like for send."})
final class ForwardCommand implements Callable<Integer> {

    @ParentCommand
    SealpostCli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Message id (from sealpost inbox)")
    String id;

    @Mixin
    RecipientOptions recipients = new RecipientOptions();

    @Mixin
    ComposeOptions compose = new ComposeOptions();

    @Mixin
    KeysCommand.PassphraseOption passphrase = new KeysCommand.PassphraseOption();

    @Override
    public Integer call() throws ClientException {
        recipients.requireOne(spec);
        Terminal terminal = cli.terminal();
        Sealpost client = cli.signedIn();
        String text = compose.text();
        List<Path> added = compose.attachments();
        MailClient mail = client.mail();
        PrivateKeys keys = client.unlock(passphrase.read(terminal));
        Path staging = null;
        try (OpenedMessage original = mail.read(MessageCommands.messageId(id), keys)) {
            staging = Files.createTempDirectory("sealpost-forward-");
            List<Path> attachments = new ArrayList<>(original.saveAttachments(staging));
            attachments.addAll(added);
            Draft draft = ReplyDrafts.forward(original, recipients.to, recipients.cc, recipients.bcc, text, attachments);
            SendCommand.report(terminal, mail.send(draft, mail.recipients(draft.addresses()), keys, terminal.progressBar(1024 * 1024)));
            return 0;
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot stage the forwarded attachments: " + e.getMessage(), e);
        } finally {
            LocalFiles.deleteTreeQuietly(staging);
        }
    }
}
