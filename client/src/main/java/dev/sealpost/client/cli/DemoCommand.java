package dev.sealpost.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.client.ClientException;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.audit.AuditClient;
import dev.sealpost.client.auth.Totp;
import dev.sealpost.client.mail.Draft;
import dev.sealpost.client.mail.MailClient;
import dev.sealpost.client.mail.OpenedMessage;
import dev.sealpost.client.mail.Progress;
import dev.sealpost.client.state.ClientHome;
import dev.sealpost.crypto.PrivateKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The main flow on the local stack, with the demo users of deploy/local/keycloak (their passwords
 * and TOTP secrets are published in the README, for the local stack only). Its client state lives
 * under {@code $SEALPOST_HOME/demo}, apart from your own profiles.
 */
@Command(name = "demo", description = "Show the main flow on the running local stack: alice seals a message with an attachment for bob, "
        + "bob opens it and verifies her signature, bob reads his security log")
final class DemoCommand implements Callable<Integer> {

    private record DemoUser(String address, String password, String totpSecret) {
        char[] passphrase() {
            return ("demo passphrase of " + address).toCharArray();
        }
    }

    private static final DemoUser ALICE = new DemoUser("alice@sealpost.test", "alice-demo-passphrase", "alice-demo-totp-key!");
    private static final DemoUser BOB = new DemoUser("bob@sealpost.test", "bob-demo-passphrase", "bob-demo-totp-key!!!");

    @ParentCommand
    SealpostCli cli;

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        long started = System.nanoTime();
        ClientHome demoHome = new ClientHome(cli.home.root().resolve("demo"));
        Sealpost alice = ready(terminal, demoHome, ALICE);
        Sealpost bob = ready(terminal, demoHome, BOB);

        Path attachment = temporaryAttachment();
        String subject = "Quarterly plan " + Instant.now();
        MailClient.Sent sent = alice.mail().send(new Draft(List.of(BOB.address()), subject,
                "Hi Bob, the plan is attached. Only you and I can read this.".getBytes(StandardCharsets.UTF_8), List.of(attachment)),
                alice.unlock(ALICE.passphrase()), Progress.NONE);
        terminal.line("3. alice sealed \"" + subject + "\" + an attachment on her machine and sent it: message " + sent.messageId());

        MailClient.Page inbox = bob.mail().list("inbox", 5, null);
        var received = inbox.messages().stream().filter(message -> message.senderAddress().equals(ALICE.address())).findFirst()
                .orElseThrow(() -> new ClientException.LocalState("the message did not arrive in bob's inbox"));
        PrivateKeys bobsKeys = bob.unlock(BOB.passphrase());
        OpenedMessage opened = bob.mail().read(received.id(), bobsKeys);
        terminal.line("4. bob opened it: subject \"" + opened.subject() + "\", body \"" + new String(opened.body(), StandardCharsets.UTF_8)
                + "\", " + opened.attachments().size() + " attachment(s) of " + opened.attachments().get(0).length()
                + " bytes; alice's signature verified with her logged key (version " + opened.senderKeyVersion() + ")");
        opened.close();

        AuditClient.Page log = awaitDelivery(bob, received.id().toString());
        terminal.line("5. bob's own security log, newest first (his sign-in, the delivery, his key setup):");
        for (JsonNode event : log.events()) {
            terminal.line("     " + event.path("time").asText() + "  " + event.path("type").asText() + "  " + event.path("outcome").asText()
                    + (event.hasNonNull("sourceIp") ? "  from " + event.get("sourceIp").asText() : ""));
        }
        terminal.line(String.format("Done in %.1f s. The server stored only ciphertext; try: sealpost --help",
                (System.nanoTime() - started) / 1e9));
        deleteQuietly(attachment);
        return 0;
    }

    /**
     * Bob's log once alice's delivery is in it: events travel through the outbox and Kafka to the
     * audit-service, which takes a second or two. Waits at most ten seconds, then shows what is there.
     */
    private static AuditClient.Page awaitDelivery(Sealpost bob, String messageId) throws ClientException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            AuditClient.Page log = bob.audit().mine(null, 8, null);
            boolean delivered = false;
            for (JsonNode event : log.events()) {
                delivered |= "MESSAGE_RECEIVED".equals(event.path("type").asText()) && event.path("target").asText().contains(messageId);
            }
            if (delivered || System.nanoTime() > deadline) {
                return log;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return log;
            }
        }
    }

    /** Signed in (a valid session is reused: Keycloak refuses a one-time code twice) and with published keys. */
    private Sealpost ready(Terminal terminal, ClientHome home, DemoUser user) throws ClientException {
        Sealpost client = Sealpost.forAddress(cli.settings, home, user.address());
        String step = user == ALICE ? "1." : "2.";
        if (!client.signedIn()) {
            try {
                signIn(client, user);
            } catch (ClientException.ApiProblem refused) {
                if (!"invalid_grant".equals(refused.title())) {
                    throw refused;
                }
                // Keycloak takes each one-time code once: `./sealpost up` may have just used this one
                terminal.note("(waiting for " + user.address() + "'s next one-time code: Keycloak accepts each code once)");
                waitForNextTotpWindow();
                signIn(client, user);
            }
        }
        String keys;
        if (!client.profile().hasKeys()) {
            keys = "generated keys on this machine, published the public bundle (fingerprint "
                    + client.initKeys(user.passphrase()).fingerprint().substring(0, 16) + "…)";
        } else {
            keys = "has keys from an earlier demo";
        }
        terminal.line(step + " " + user.address() + " signed in with password + TOTP and " + keys);
        return client;
    }

    private static void signIn(Sealpost client, DemoUser user) throws ClientException {
        client.signInWithPassword(user.address().substring(0, user.address().indexOf('@')), user.password().toCharArray(),
                Totp.code(user.totpSecret().getBytes(StandardCharsets.UTF_8), Instant.now()));
    }

    private static void waitForNextTotpWindow() throws ClientException {
        long millis = (30 - Instant.now().getEpochSecond() % 30) * 1000L + 500;
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException.LocalState("interrupted");
        }
    }

    private static Path temporaryAttachment() throws ClientException {
        try {
            Path file = Files.createTempFile("sealpost-demo-", ".txt");
            Files.writeString(file, "Q1: ship the CLI\nQ2: ship the web client\n".repeat(64));
            return file;
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot write the demo attachment", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary demo file
        }
    }
}
