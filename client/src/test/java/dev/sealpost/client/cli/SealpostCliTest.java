package dev.sealpost.client.cli;

import dev.sealpost.client.ClientSettings;
import dev.sealpost.client.state.ClientHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the CLI does before it talks to any server: usage, errors, output. (Against the real stack: system-tests.) */
class SealpostCliTest {

    @TempDir
    Path home;

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // a gateway nobody listens on: nothing here may need one
        ClientSettings settings = new ClientSettings(URI.create("http://127.0.0.1:9"), URI.create("http://127.0.0.1:9"), ClientSettings.LOCAL_REALMS);
        int exit = SealpostCli.run(args, new PrintWriter(out), new PrintWriter(err), settings, new ClientHome(home));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommand() {
        Run help = run("--help");
        assertEquals(0, help.exit());
        for (String command : List.of("login", "keys", "send", "inbox", "read", "flag", "move", "delete", "log", "audit", "status", "demo")) {
            assertTrue(help.out().contains(command), command);
        }
        assertTrue(run("keys", "--help").out().contains("rotate"));
        assertTrue(run("audit", "export", "--help").out().contains("ocsf"));
    }

    @Test
    void usageMistakesExitWithTwoAndSayWhat() {
        Run noRecipient = run("send", "--subject", "x");
        assertEquals(2, noRecipient.exit());
        assertTrue(noRecipient.err().contains("--to"), noRecipient.err());
        assertEquals(2, run("frobnicate").exit());
        assertEquals(2, run("audit", "export").exit(), "--format is required");
    }

    @Test
    void withNobodySignedInCommandsFailWithAClearOneLineError() {
        for (String[] args : new String[][] {{"inbox"}, {"log"}, {"keys", "init"}, {"read", "01a21618-cf7c-7174-9b9d-2ba1d693ec62"},
                {"move", "01a21618-cf7c-7174-9b9d-2ba1d693ec62", "archive"}}) {
            Run run = run(args);
            assertEquals(1, run.exit(), String.join(" ", args));
            assertTrue(run.err().startsWith("error: nobody is signed in here"), run.err());
            assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), "no stack trace: " + run.err());
        }
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsSent() {
        assertTrue(run("login", "not-an-address").err().contains("not a mail address"));
        Run unknownDomain = run("login", "eve@example.org");
        assertEquals(1, unknownDomain.exit());
        assertTrue(unknownDomain.err().contains("no sign-in realm known for the domain example.org"), unknownDomain.err());
    }

    @Test
    void statusWorksOffline() {
        Run status = run("--json", "status");
        assertEquals(1, status.exit(), "the gateway is not reachable");
        assertTrue(status.out().contains("\"gatewayReady\" : false"), status.out());
    }

    @Test
    void theProgressBarDrawsOnlyForLargeTransfersAndEndsAtOneHundredPercent() {
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(new StringWriter()), new PrintWriter(err), false);
        var bar = terminal.progressBar(1024 * 1024);
        bar.update("sealing", 10, 1000);
        assertEquals("", err.toString(), "small: no bar");
        bar.update("uploading", 5 * 1024 * 1024, 10 * 1024 * 1024);
        bar.update("uploading", 10 * 1024 * 1024, 10 * 1024 * 1024);
        assertTrue(err.toString().contains("uploading") && err.toString().contains(" 50%") && err.toString().contains("100% of 10.0 MiB"),
                err.toString());
    }

    @Test
    void realmsComeFromTheEnvironmentOrTheLocalDefaults() {
        assertEquals("consumer", ClientSettings.from(Map.of()).realmOf("sealpost.test").orElseThrow());
        ClientSettings configured = ClientSettings.from(Map.of("SEALPOST_REALMS", "corp.example=corp", "SEALPOST_GATEWAY_URL", "https://mail.example"));
        assertEquals("corp", configured.realmOf("corp.example").orElseThrow());
        assertTrue(configured.realmOf("sealpost.test").isEmpty());
        assertEquals("https://mail.example", configured.gateway().toString());
    }
}
