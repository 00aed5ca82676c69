package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.auth.DeviceAuthorization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "login", description = {"Sign in with password and one-time code, or approve this device in a browser (--device).",
        "The address's domain picks the realm; the session is kept in the profile, the password never."})
final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    SealpostCli cli;

    @Parameters(index = "0", description = "Your address, e.g. alice@sealpost.test")
    String address;

    @Option(names = "--username", description = "Sign-in name if it is not the address's local part")
    String username;

    @Option(names = "--device", description = "Device authorization: open the shown link, sign in there (with your second factor)")
    boolean device;

    @Option(names = "--otp", description = "The current code of your authenticator (asked if omitted)")
    String otp;

    @Option(names = "--password-file", description = "Read the password from this file (else $SEALPOST_PASSWORD, else asked)")
    Path passwordFile;

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        Sealpost client = Sealpost.forAddress(cli.settings, cli.home, address);
        if (device) {
            DeviceAuthorization authorization = client.startDeviceSignIn();
            terminal.note("Open " + (authorization.verificationUriComplete() != null ? authorization.verificationUriComplete()
                    : authorization.verificationUri()) + " and confirm the code " + authorization.userCode());
            client.completeDeviceSignIn(authorization);
        } else {
            char[] password = terminal.secret("Password", passwordFile, "SEALPOST_PASSWORD");
            String code = otp != null ? otp : terminal.ask("One-time code");
            String name = username != null ? username : client.address().substring(0, client.address().indexOf('@'));
            client.signInWithPassword(name, password, code);
            java.util.Arrays.fill(password, '\0');
        }
        if (terminal.json()) {
            terminal.printJson(Map.of("address", client.address(), "signedIn", true));
        } else {
            terminal.line("Signed in as " + client.address() + (client.profile().hasKeys() ? "" : " — next: sealpost keys init"));
        }
        return 0;
    }
}
