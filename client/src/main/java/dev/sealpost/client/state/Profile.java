package dev.sealpost.client.state;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sealpost.client.ClientException;
import dev.sealpost.client.auth.Tokens;
import dev.sealpost.crypto.CryptoException;
import dev.sealpost.crypto.PassphraseWrap;
import dev.sealpost.crypto.PrivateKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One address's local state: its private keys (only ever on disk wrapped under the passphrase,
 * Argon2id + AES-GCM), its session, the last verified tree head per tenant and the pinned
 * fingerprints of its contacts.
 */
public final class Profile {

    /** The last tree head of a tenant's key log this profile verified; the next must extend it. */
    public record SeenTreeHead(long treeSize, String rootHash, long timestampMillis) {
    }

    private final ClientHome home;
    private final Path directory;
    private final String address;

    Profile(ClientHome home, Path directory, String address) {
        this.home = home;
        this.directory = directory;
        this.address = address;
    }

    public String address() {
        return address;
    }

    public String domain() {
        return address.substring(address.indexOf('@') + 1);
    }

    public Path directory() {
        return directory;
    }

    public boolean hasKeys() {
        return Files.exists(keysFile());
    }

    public void storeKeys(PrivateKeys keys, char[] passphrase) throws ClientException {
        home.write(keysFile(), PassphraseWrap.wrap(keys, passphrase));
    }

    /** The wrapped form, exactly as stored (what the key backup holds too). */
    public byte[] wrappedKeys() throws ClientException {
        try {
            return Files.readAllBytes(keysFile());
        } catch (IOException e) {
            throw new ClientException.LocalState("no keys for " + address + " here: run `sealpost keys init` first", e);
        }
    }

    public void storeWrappedKeys(byte[] wrapped) throws ClientException {
        home.write(keysFile(), wrapped);
    }

    /** Removes the local key file (a key generation whose publication was refused). */
    public void forgetKeys() throws ClientException {
        try {
            Files.deleteIfExists(keysFile());
        } catch (IOException e) {
            throw new ClientException.LocalState("cannot remove " + keysFile(), e);
        }
    }

    public PrivateKeys openKeys(char[] passphrase) throws ClientException {
        try {
            return PassphraseWrap.unwrap(wrappedKeys(), passphrase);
        } catch (CryptoException.WrongPassphrase e) {
            throw new ClientException.LocalState("wrong passphrase for the keys of " + address, e);
        } catch (CryptoException e) {
            throw new ClientException.LocalState("the key file of " + address + " is damaged", e);
        }
    }

    public Optional<Tokens> session() throws ClientException {
        return home.readJson(directory.resolve("session.json"), new TypeReference<Tokens>() { });
    }

    public void storeSession(Tokens tokens) throws ClientException {
        home.writeJson(directory.resolve("session.json"), tokens);
    }

    /** Forgets the session's tokens on this machine. */
    public void clearSession() throws ClientException {
        try {
            java.nio.file.Files.deleteIfExists(directory.resolve("session.json"));
        } catch (java.io.IOException e) {
            throw new ClientException.LocalState("cannot remove the session of " + address, e);
        }
    }

    public Optional<SeenTreeHead> seenTreeHead(String tenant) throws ClientException {
        return Optional.ofNullable(treeHeads().get(tenant));
    }

    public void storeSeenTreeHead(String tenant, SeenTreeHead head) throws ClientException {
        Map<String, SeenTreeHead> heads = new TreeMap<>(treeHeads());
        heads.put(tenant, head);
        home.writeJson(directory.resolve("tree-heads.json"), heads);
    }

    /** Pinned contact fingerprints (hex), by address: this client's known_hosts. */
    public Map<String, String> pinnedContacts() throws ClientException {
        return home.readJson(directory.resolve("contacts.json"), new TypeReference<TreeMap<String, String>>() { }).orElseGet(TreeMap::new);
    }

    public void pin(String contact, String fingerprintHex) throws ClientException {
        Map<String, String> pins = new TreeMap<>(pinnedContacts());
        pins.put(ClientHome.normalize(contact), fingerprintHex);
        home.writeJson(directory.resolve("contacts.json"), pins);
    }

    private Map<String, SeenTreeHead> treeHeads() throws ClientException {
        return home.readJson(directory.resolve("tree-heads.json"), new TypeReference<TreeMap<String, SeenTreeHead>>() { })
                .orElseGet(TreeMap::new);
    }

    private Path keysFile() {
        return directory.resolve("keys.sealed");
    }
}
