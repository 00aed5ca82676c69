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

import java.util.ArrayList;
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

    @Option(names = "--to", description = "Recipient address (repeat for more; To, Cc and Bcc together at most 63)")
    List<String> to = new ArrayList<>();

    @Option(names = "--cc", description = "Copy to this address (repeat for more); all recipients see Cc")
    List<String> cc = new ArrayList<>();

    @Option(names = "--bcc", description = "Blind copy (repeat for more): each gets a copy of their own; no other recipient learns of them")
    List<String> bcc = new ArrayList<>();

    @Option(names = "--subject", required = true, description = "Subject (sealed like the body)")
    String subject;

    @Mixin
    ComposeOptions compose = new ComposeOptions();

    @Mixin
    KeysCommand.PassphraseOption passphrase = new KeysCommand.PassphraseOption();

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give at least one recipient: --to, --cc or --bcc");
        }
        Sealpost client = cli.signedIn();
        Draft draft = new Draft(to, cc, bcc, subject, compose.body(), compose.attachments(), null);
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
