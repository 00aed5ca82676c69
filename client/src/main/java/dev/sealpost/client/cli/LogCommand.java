package dev.sealpost.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.client.ClientException;
import dev.sealpost.client.audit.AuditClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "log", description = "Your own security log: sign-ins, who accessed your mailbox, deliveries, key changes")
final class LogCommand implements Callable<Integer> {

    @ParentCommand
    SealpostCli cli;

    @Option(names = "--type", description = "Only this event type (e.g. MAILBOX_ACCESSED)")
    String type;

    @picocli.CommandLine.Mixin
    PageOptions paging = new PageOptions();

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        AuditClient.Page page = cli.signedIn().audit().mine(type, paging.limit, paging.after);
        printEvents(terminal, page);
        if (!terminal.json() && page.next() != null) {
            terminal.line("more: sealpost log --after " + page.next());
        }
        return 0;
    }

    static void printEvents(Terminal terminal, AuditClient.Page page) {
        if (terminal.json()) {
            terminal.printJson(page);
            return;
        }
        if (page.events().isEmpty()) {
            terminal.line("No events.");
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode event : page.events()) {
            JsonNode actor = event.path("actor");
            rows.add(List.of(event.path("time").asText(), event.path("type").asText(), event.path("outcome").asText(),
                    actor.hasNonNull("address") ? actor.get("address").asText() : actor.path("subject").asText(),
                    event.path("sourceIp").asText(""), event.path("target").asText(""), event.path("reason").asText("")));
        }
        terminal.table(List.of("TIME", "EVENT", "OUTCOME", "ACTOR", "FROM IP", "TARGET", "REASON"), rows);
    }
}
