package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.ClientSettings;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.state.ClientHome;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * {@code sealpost}: end-to-end encrypted mail from the terminal. All sealing and opening happens
 * here; the servers see ciphertext. Exit codes: 0 ok, 1 failed, 2 usage, 3 a contact's key changed,
 * 4 the key directory is inconsistent, 5 not signed in or refused.
 */
@Command(name = "sealpost", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "sealpost 0.1.0",
        description = "End-to-end encrypted mail. State in $SEALPOST_CLIENT_HOME (default ~/.sealpost).",
        subcommands = {LoginCommand.class, LogoutCommand.class, KeysCommand.class, SendCommand.class, ReplyCommand.class, ForwardCommand.class, InboxCommand.class, FoldersCommand.class, ReadCommand.class,
                MessageCommands.Flag.class, MessageCommands.Move.class, MessageCommands.Delete.class, LogCommand.class, AuditCommand.class, StatusCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class SealpostCli {

    public static final int KEY_CHANGED = 3;
    public static final int DIRECTORY_INCONSISTENT = 4;
    public static final int NOT_AUTHORIZED = 5;

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT, description = "Machine-readable output")
    boolean json;

    /** Overridable for tests; the real CLI reads the environment. */
    ClientSettings settings = ClientSettings.fromEnvironment();
    ClientHome home = ClientHome.fromEnvironment();
    PrintWriter out;
    PrintWriter err;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), null, null));
    }

    /** Runs one command line; what tests and the demo call. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, ClientSettings settings, ClientHome home) {
        SealpostCli cli = new SealpostCli();
        cli.out = out;
        cli.err = err;
        if (settings != null) {
            cli.settings = settings;
        }
        if (home != null) {
            cli.home = home;
        }
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setOut(out).setErr(err);
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            err.println("error: " + exception.getMessage());
            err.flush();
            if (exception instanceof ClientException.KeyChanged) {
                return KEY_CHANGED;
            }
            if (exception instanceof ClientException.DirectoryInconsistent) {
                return DIRECTORY_INCONSISTENT;
            }
            if (exception instanceof ClientException.ApiProblem problem && (problem.status() == 401 || problem.status() == 403)) {
                return NOT_AUTHORIZED;
            }
            if (exception instanceof ClientException) {
                return 1;
            }
            throw exception;
        });
        return commandLine.execute(args);
    }

    Terminal terminal() {
        return new Terminal(out, err, json);
    }

    Sealpost signedIn() throws ClientException {
        return Sealpost.current(settings, home);
    }
}
