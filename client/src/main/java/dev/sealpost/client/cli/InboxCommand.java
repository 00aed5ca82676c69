package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.mail.MailClient;
import dev.sealpost.client.mail.MessageSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "inbox", description = "List a folder (newest first). Subjects are sealed: `sealpost read ID` opens a message.")
final class InboxCommand implements Callable<Integer> {

    @ParentCommand
    SealpostCli cli;

    @Option(names = "--folder", defaultValue = "inbox", description = "inbox, sent, drafts, trash, archive or one of yours (default inbox)")
    String folder;

    @picocli.CommandLine.Mixin
    PageOptions page = new PageOptions();

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        MailClient.Page listed = cli.signedIn().mail().list(folder, page.limit, page.after);
        if (terminal.json()) {
            terminal.printJson(listed);
            return 0;
        }
        if (listed.messages().isEmpty()) {
            terminal.line("No messages in " + folder + ".");
            return 0;
        }
        terminal.table(List.of("ID", "FROM", "TO", "RECEIVED", "SIZE", "FLAGS"), listed.messages().stream().map(InboxCommand::row).toList());
        if (listed.next() != null) {
            terminal.line("more: sealpost inbox --folder " + folder + " --after " + listed.next());
        }
        return 0;
    }

    private static List<String> row(MessageSummary message) {
        return List.of(message.id().toString(), message.senderAddress(), String.join(", ", message.recipientAddresses()),
                String.valueOf(message.receivedAt()), Terminal.human(message.sizeBytes()),
                (message.seen() ? "" : "new ") + (message.flagged() ? "flagged" : ""));
    }
}
