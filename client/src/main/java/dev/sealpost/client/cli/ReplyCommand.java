package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.mail.Draft;
import dev.sealpost.client.mail.MailClient;
import dev.sealpost.client.mail.OpenedMessage;
import dev.sealpost.client.mail.ReplyDrafts;
import dev.sealpost.crypto.PrivateKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "reply", description = {"Answer a message: to its signed sender (--all: and the other recipients), threaded, the original quoted.",
        "The recipients' keys are checked like for send."})
final class ReplyCommand implements Callable<Integer> {

    @ParentCommand
    SealpostCli cli;

    @Parameters(index = "0", description = "Message id (from sealpost inbox)")
    String id;

    @Option(names = "--all", description = "Reply to all: the original's other To and Cc recipients in Cc")
    boolean all;

    @Mixin
    ComposeOptions compose = new ComposeOptions();

    @Mixin
    KeysCommand.PassphraseOption passphrase = new KeysCommand.PassphraseOption();

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        Sealpost client = cli.signedIn();
        String text = compose.text();
        java.util.List<java.nio.file.Path> attachments = compose.attachments();
        PrivateKeys keys = client.unlock(passphrase.read(terminal));
        MailClient mail = client.mail();
        Draft draft;
        try (OpenedMessage original = mail.read(MessageCommands.messageId(id), keys)) {
            draft = ReplyDrafts.reply(original, client.address(), all, text, attachments);
        }
        SendCommand.report(terminal, mail.send(draft, mail.recipients(draft.addresses()), keys, terminal.progressBar(1024 * 1024)));
        return 0;
    }
}
