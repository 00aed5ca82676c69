package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.audit.AuditClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "audit", description = "SOC: your tenant's security events (role soc-analyst); every query is itself recorded",
        subcommands = {AuditCommand.Query.class, AuditCommand.Export.class})
final class AuditCommand {

    @ParentCommand
    SealpostCli cli;

    static final class Filters {
        @Option(names = "--type", description = "Event type")
        String type;
        @Option(names = "--from", description = "From this instant (ISO-8601)")
        String from;
        @Option(names = "--to", description = "Up to this instant (ISO-8601)")
        String to;
        @Option(names = "--actor", description = "Actor subject or address")
        String actor;
        @Option(names = "--outcome", description = "SUCCESS or FAILURE")
        String outcome;
        @Option(names = "--ip", description = "Source IP")
        String ip;

        AuditClient.Filter filter() {
            return new AuditClient.Filter(type, from, to, actor, outcome, ip);
        }
    }

    @Command(name = "query", description = "A page of the tenant's events")
    static final class Query implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;
        @Mixin
        Filters filters = new Filters();
        @Mixin
        PageOptions paging = new PageOptions();

        @Override
        public Integer call() throws ClientException {
            Terminal terminal = audit.cli.terminal();
            AuditClient.Page page = audit.cli.signedIn().audit().tenant(filters.filter(), paging.limit, paging.after);
            LogCommand.printEvents(terminal, page);
            if (!terminal.json() && page.next() != null) {
                terminal.line("more: sealpost audit query --after " + page.next());
            }
            return 0;
        }
    }

    @Command(name = "export", description = "Stream the tenant's events for a SIEM: OCSF or plain JSON lines, or CEF")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        AuditCommand audit;
        @Mixin
        Filters filters = new Filters();
        @Option(names = "--format", required = true, description = "ocsf, cef or jsonl")
        String format;
        @Option(names = {"-o", "--output"}, description = "Write to this file (default: standard output)")
        Path output;

        @Override
        public Integer call() throws ClientException {
            Terminal terminal = audit.cli.terminal();
            AuditClient client = audit.cli.signedIn().audit();
            if (output == null) {
                client.export(format, filters.filter(), new NonClosing(System.out));
                System.out.flush();
                return 0;
            }
            try (OutputStream out = Files.newOutputStream(output)) {
                long bytes = client.export(format, filters.filter(), out);
                terminal.note("Exported " + Terminal.human(bytes) + " of " + format + " to " + output);
            } catch (IOException e) {
                throw new ClientException.LocalState("cannot write " + output + ": " + e.getMessage(), e);
            }
            return 0;
        }
    }

    /** Standard output stays open after an export. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
