package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.mail.InboxEntry;
import dev.sealpost.client.mail.MailClient;
import dev.sealpost.client.mail.MessageSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "inbox", description = {"List a folder (newest first) with subjects, verified senders, signed dates and attachments.",
        "Only each message's head is fetched and verified here; `sealpost read ID` opens the whole message."})
final class InboxCommand implements Callable<Integer> {

    @ParentCommand
    SealpostCli cli;

    @Option(names = "--folder", defaultValue = "inbox", description = "inbox, sent, drafts, trash, archive or one of yours (default inbox)")
    String folder;

    @Option(names = "--sealed", description = "List routing metadata only, without unlocking your keys")
    boolean sealed;

    @picocli.CommandLine.Mixin
    PageOptions page = new PageOptions();

    @picocli.CommandLine.Mixin
    KeysCommand.PassphraseOption passphrase = new KeysCommand.PassphraseOption();

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        Sealpost client = cli.signedIn();
        MailClient.Page listed = client.mail().list(folder, page.limit, page.after);
        boolean open = !sealed && !listed.messages().isEmpty() && (passphrase.file != null || terminal.canAskSecret("SEALPOST_PASSPHRASE"));
        List<InboxEntry> entries = open ? client.mail().heads(listed.messages(), client.unlock(passphrase.read(terminal))) : null;
        if (terminal.json()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("messages", listed.messages());
            view.put("next", listed.next());
            if (entries != null) {
                view.put("heads", entries.stream().map(InboxCommand::headView).toList());
            }
            terminal.printJson(view);
            return 0;
        }
        if (listed.messages().isEmpty()) {
            terminal.line("No messages in " + folder + ".");
            return 0;
        }
        if (entries == null) {
            terminal.table(List.of("ID", "FROM", "TO", "RECEIVED", "SIZE", "FLAGS"), listed.messages().stream().map(InboxCommand::row).toList());
            if (!sealed) {
                terminal.line("Subjects are sealed: give --passphrase-file or $SEALPOST_PASSPHRASE to show them.");
            }
        } else {
            terminal.table(List.of("ID", "FROM", "SUBJECT", "DATE", "SIZE", "FLAGS"), entries.stream().map(InboxCommand::row).toList());
        }
        if (listed.next() != null) {
            terminal.line("more: sealpost inbox --folder " + folder + " --after " + listed.next());
        }
        return 0;
    }

    private static Map<String, Object> headView(InboxEntry entry) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", entry.summary().id().toString());
        if (entry.head() != null) {
            view.put("subject", entry.head().subject());
            view.put("from", entry.head().from());
            view.put("date", entry.head().date().toString());
            view.put("attachments", entry.head().attachmentNames());
            view.put("reply", entry.head().reply());
            view.put("verified", true);
        } else {
            view.put("verified", false);
            view.put("problem", entry.problem());
        }
        return view;
    }

    private static List<String> row(InboxEntry entry) {
        MessageSummary message = entry.summary();
        String flags = (message.seen() ? "" : "new ") + (message.flagged() ? "flagged" : "");
        if (entry.head() == null) {
            return List.of(message.id().toString(), message.senderAddress(), "(" + entry.problem() + ")", String.valueOf(message.receivedAt()),
                    Terminal.human(message.sizeBytes()), flags);
        }
        InboxEntry.Head head = entry.head();
        String attachments = head.attachmentNames().isEmpty() ? "" : "  📎 " + head.attachmentNames().size();
        return List.of(message.id().toString(), Terminal.printable(head.from()) + " ✓", Terminal.printable(shorten(head.subject())) + attachments,
                String.valueOf(head.date()), Terminal.human(message.sizeBytes()), flags);
    }

    private static String shorten(String subject) {
        return subject.codePointCount(0, subject.length()) <= 60 ? subject
                : subject.substring(0, subject.offsetByCodePoints(0, 59)) + "…";
    }

    private static List<String> row(MessageSummary message) {
        return List.of(message.id().toString(), message.senderAddress(), String.join(", ", message.recipientAddresses()),
                String.valueOf(message.receivedAt()), Terminal.human(message.sizeBytes()),
                (message.seen() ? "" : "new ") + (message.flagged() ? "flagged" : ""));
    }
}
