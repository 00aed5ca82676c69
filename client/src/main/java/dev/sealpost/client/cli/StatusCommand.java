package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.mail.MailClient;
import dev.sealpost.client.state.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "status", description = "Is the gateway up, who is signed in here, are your keys set up, how full is your mailbox")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    SealpostCli cli;

    @Override
    public Integer call() throws ClientException {
        Terminal terminal = cli.terminal();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("gateway", cli.settings.gateway().toString());
        // the gateway's health is on its management port, which clients do not reach: its public API document
        // answers whenever the gateway serves
        status.put("gatewayReady", ready(cli.settings.gateway().resolve("/openapi")));
        status.put("home", cli.home.root().toString());
        Optional<Profile> current = cli.home.current();
        status.put("address", current.map(Profile::address).orElse(null));
        if (current.isPresent()) {
            Sealpost client = cli.signedIn();
            boolean signedIn = client.signedIn();
            status.put("signedIn", signedIn);
            status.put("keys", current.get().hasKeys());
            status.put("pinnedContacts", current.get().pinnedContacts().size());
            if (signedIn && Boolean.TRUE.equals(status.get("gatewayReady"))) {
                MailClient.Quota quota = client.mail().quota();
                status.put("usedBytes", quota.usedBytes());
                status.put("quotaBytes", quota.quotaBytes());
            }
        }
        if (terminal.json()) {
            terminal.printJson(status);
        } else {
            status.forEach((key, value) -> terminal.line(String.format("%-15s %s", key, value == null ? "-" : value)));
        }
        return Boolean.TRUE.equals(status.get("gatewayReady")) ? 0 : 1;
    }

    private static boolean ready(URI health) {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
                    .send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
