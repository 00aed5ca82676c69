package dev.sealpost.client.cli;

import dev.sealpost.client.ClientException;
import dev.sealpost.client.Sealpost;
import dev.sealpost.client.keys.KeyDirectory;
import dev.sealpost.client.keys.VerifiedBundle;
import dev.sealpost.client.state.Profile;
import dev.sealpost.crypto.PrivateKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "keys", description = "Your keys and your contacts' keys",
        subcommands = {KeysCommand.Init.class, KeysCommand.Show.class, KeysCommand.Rotate.class, KeysCommand.Verify.class,
                KeysCommand.Accept.class, KeysCommand.Restore.class})
final class KeysCommand {

    @ParentCommand
    SealpostCli cli;

    /** The passphrase options every key command shares. */
    static final class PassphraseOption {
        @Option(names = "--passphrase-file", description = "Read the key passphrase from this file (else $SEALPOST_PASSPHRASE, else asked)")
        Path file;

        char[] read(Terminal terminal) throws ClientException {
            return terminal.secret("Key passphrase", file, "SEALPOST_PASSPHRASE");
        }
    }

    private static void printPublished(Terminal terminal, String verb, KeyDirectory.Published published) {
        if (terminal.json()) {
            terminal.printJson(published);
        } else {
            terminal.line(verb + " keys of " + published.address() + ": version " + published.version() + ", fingerprint "
                    + published.fingerprint());
            terminal.line("Private keys stay here, wrapped under your passphrase; the key-service holds only the wrapped backup.");
        }
    }

    /** init and rotate: new keys, published; they differ only in what the SDK is asked. */
    abstract static class NewKeys implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        KeysCommand keys;
        @picocli.CommandLine.Mixin
        PassphraseOption passphrase = new PassphraseOption();

        abstract KeyDirectory.Published create(Sealpost client, char[] passphrase) throws ClientException;

        abstract String verb();

        @Override
        public Integer call() throws ClientException {
            Terminal terminal = keys.cli.terminal();
            printPublished(terminal, verb(), create(keys.cli.signedIn(), passphrase.read(terminal)));
            return 0;
        }
    }

    @Command(name = "init", description = "Generate your keys, publish the public bundle, back up the private keys under your passphrase")
    static final class Init extends NewKeys {
        @Override
        KeyDirectory.Published create(Sealpost client, char[] passphrase) throws ClientException {
            return client.initKeys(passphrase);
        }

        @Override
        String verb() {
            return "Published";
        }
    }

    @Command(name = "rotate", description = "Replace your keys with new ones (a new version in the log)")
    static final class Rotate extends NewKeys {
        @Override
        KeyDirectory.Published create(Sealpost client, char[] passphrase) throws ClientException {
            return client.rotateKeys(passphrase);
        }

        @Override
        String verb() {
            return "Rotated";
        }
    }

    @Command(name = "restore", description = "Fetch your wrapped key backup (a new machine) and check the passphrase opens it")
    static final class Restore implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        KeysCommand keys;
        @picocli.CommandLine.Mixin
        PassphraseOption passphrase = new PassphraseOption();

        @Override
        public Integer call() throws ClientException {
            Terminal terminal = keys.cli.terminal();
            Sealpost client = keys.cli.signedIn();
            client.restoreKeys(passphrase.read(terminal));
            terminal.line("Restored the keys of " + client.address());
            return 0;
        }
    }

    @Command(name = "show", description = "Your fingerprint, the directory's view of it, and the tree heads you have verified")
    static final class Show implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        KeysCommand keys;
        @picocli.CommandLine.Mixin
        PassphraseOption passphrase = new PassphraseOption();

        @Override
        public Integer call() throws ClientException {
            Terminal terminal = keys.cli.terminal();
            Sealpost client = keys.cli.signedIn();
            PrivateKeys mine = client.unlock(passphrase.read(terminal));
            VerifiedBundle published = client.directory().lookup(client.address());
            boolean matches = published.fingerprint().equals(mine.publicBundle().fingerprint());
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("address", client.address());
            view.put("fingerprint", mine.publicBundle().fingerprint().toHex());
            view.put("publishedVersion", published.version());
            view.put("directoryMatches", matches);
            view.put("tenant", published.tenant());
            view.put("logSize", published.treeSize());
            if (terminal.json()) {
                terminal.printJson(view);
            } else {
                terminal.line("address      " + client.address());
                terminal.line("fingerprint  " + view.get("fingerprint"));
                terminal.line("directory    version " + published.version() + (matches ? ", same key (log-verified)"
                        : ", A DIFFERENT KEY: " + published.fingerprint().toHex()));
                terminal.line("log          " + published.tenant() + ", " + published.treeSize() + " entries, consistent with what you saw before");
            }
            return matches ? 0 : SealpostCli.DIRECTORY_INCONSISTENT;
        }
    }

    @Command(name = "verify", description = "Look a contact's key up, check it against the transparency log and your pinned fingerprint")
    static final class Verify implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        KeysCommand keys;
        @Parameters(index = "0", description = "The contact's address")
        String address;

        @Override
        public Integer call() throws ClientException {
            Terminal terminal = keys.cli.terminal();
            Sealpost client = keys.cli.signedIn();
            VerifiedBundle bundle = client.directory().lookup(address);
            Profile profile = client.profile();
            String pinned = profile.pinnedContacts().get(bundle.address());
            client.pins().check(bundle);
            if (terminal.json()) {
                terminal.printJson(Map.of("address", bundle.address(), "version", bundle.version(), "fingerprint",
                        bundle.fingerprint().toHex(), "tenant", bundle.tenant(), "pinned", pinned != null));
            } else {
                terminal.line(bundle.address() + "  version " + bundle.version() + "  fingerprint " + bundle.fingerprint().toHex());
                terminal.line("in the " + bundle.tenant() + " transparency log (inclusion and consistency verified); "
                        + (pinned == null ? "pinned now (first use)" : "matches the pinned fingerprint"));
            }
            return 0;
        }
    }

    @Command(name = "accept", description = "Accept a contact's changed key after comparing fingerprints with them")
    static final class Accept implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        KeysCommand keys;
        @Parameters(index = "0", description = "The contact's address")
        String address;
        @Option(names = "--fingerprint", required = true, description = "The new fingerprint as the contact told it to you")
        String fingerprint;

        @Override
        public Integer call() throws ClientException {
            Terminal terminal = keys.cli.terminal();
            Sealpost client = keys.cli.signedIn();
            VerifiedBundle bundle = client.directory().lookup(address);
            if (!bundle.fingerprint().toHex().equalsIgnoreCase(fingerprint.replace(" ", "").replace(":", ""))) {
                throw new ClientException.LocalState("the directory's key of " + bundle.address() + " has the fingerprint "
                        + bundle.fingerprint().toHex() + ", not the one you were told; nothing accepted");
            }
            client.pins().accept(bundle);
            terminal.line("Accepted the key " + bundle.fingerprint().toHex() + " for " + bundle.address());
            return 0;
        }
    }

}
