package dev.sealpost.client.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** To, Cc and Bcc of send and forward; at least one recipient is a usage rule (exit 2). */
final class RecipientOptions {

    @Option(names = "--to", description = "Recipient address (repeat for more; To, Cc and Bcc together at most 63)")
    List<String> to = new ArrayList<>();

    @Option(names = "--cc", description = "Copy to this address (repeat for more); all recipients see Cc")
    List<String> cc = new ArrayList<>();

    @Option(names = "--bcc", description = "Blind copy (repeat for more): each gets a copy of their own; no other recipient learns of them")
    List<String> bcc = new ArrayList<>();

    void requireOne(CommandLine.Model.CommandSpec spec) {
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give at least one recipient: --to, --cc or --bcc");
        }
    }
}
