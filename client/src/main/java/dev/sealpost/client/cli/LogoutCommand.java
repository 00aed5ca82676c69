package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.Sealpost;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "logout", description = {"Sign out: the session ends at the sign-in server, and within seconds its tokens are refused",
        "by the gateway; they are removed from the profile. Keys and pinned contacts stay."})
final class LogoutCommand implements Callable<Integer> {

    @ParentCommand
    SealpostCli cli;

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        Sealpost client = cli.signedIn();
        client.signOut();
        if (terminal.json()) {
            terminal.printJson(Map.of("address", client.address(), "signedIn", false));
        } else {
            terminal.line("Signed out " + client.address());
        }
        return 0;
    }
}
