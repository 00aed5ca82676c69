package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.keys.VerifiedBundle;
import dev.sealpost.client.mail.Draft;
import dev.sealpost.client.mail.MailClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "send", description = {"Seal a message on this machine and send it.",
        "Every recipient's key is checked against the transparency log and your pinned fingerprints first;",
        "a changed key stops the send until you accept it (sealpost keys accept)."})
final class SendCommand implements Callable<Integer> {

    /** Bars appear for messages from this size on. */
    private static final long PROGRESS_FROM_BYTES = 1024 * 1024;

    @ParentCommand
    SealpostCli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    RecipientOptions recipients = new RecipientOptions();

    @Option(names = "--subject", required = true, description = "Subject (sealed like the body)")
    String subject;

    @Mixin
    ComposeOptions compose = new ComposeOptions();

    @Mixin
    KeysCommand.PassphraseOption passphrase = new KeysCommand.PassphraseOption();

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        recipients.requireOne(spec);
        Sealpost client = cli.signedIn();
        Draft draft = new Draft(recipients.to, recipients.cc, recipients.bcc, subject, compose.body(), compose.attachments(), null);
        MailClient mail = client.mail();
        // keys are checked before the passphrase is even asked: a changed key stops here
        List<VerifiedBundle> checked = mail.recipients(draft.addresses());
        report(terminal, mail.send(draft, checked, client.unlock(passphrase.read(terminal)), terminal.progressBar(PROGRESS_FROM_BYTES)));
        return 0;
    }

    static void report(Terminal terminal, MailClient.Sent sent) {
        if (terminal.json()) {
            terminal.printJson(sent);
        } else {
            terminal.line("Sent " + sent.messageId() + " to " + sent.recipients() + " recipient(s)");
        }
    }
}
