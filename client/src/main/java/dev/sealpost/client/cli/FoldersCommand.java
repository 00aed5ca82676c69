package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.mail.MailClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "folders", description = "Your folders: the standard five, then your own (--create NAME makes one; folders are permanent)")
final class FoldersCommand implements Callable<Integer> {

    @ParentCommand
    SealpostCli cli;

    @Option(names = "--create", paramLabel = "NAME", description = "Create a folder of your own first (1 to 64 letters, digits, spaces and _.-)")
    String create;

    @Override
    public Integer call() throws ClientException {
        MailClient mail = cli.signedIn().mail();
        if (create != null) {
            mail.createFolder(create);
        }
        List<String> folders = mail.folders();
        Terminal terminal = cli.terminal();
        if (terminal.json()) {
            terminal.printJson(folders);
        } else {
            folders.forEach(terminal::line);
        }
        return 0;
    }
}
