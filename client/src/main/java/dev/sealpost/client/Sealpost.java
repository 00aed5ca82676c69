package dev.sealpost.client;

import dev.sealpost.client.audit.AuditClient;
import dev.sealpost.client.auth.DeviceAuthorization;
import dev.sealpost.client.auth.KeycloakSignIn;
import dev.sealpost.client.auth.Tokens;
import dev.sealpost.client.http.ApiHttp;
import dev.sealpost.client.keys.ContactPins;
import dev.sealpost.client.keys.KeyDirectory;
import dev.sealpost.client.keys.VerifiedBundle;
import dev.sealpost.client.mail.MailClient;
import dev.sealpost.client.state.ClientHome;
import dev.sealpost.client.state.Profile;
import dev.sealpost.crypto.PrivateKeys;

import java.time.Clock;
import java.util.Optional;

/**
 * The SDK's entry point for one address: sign in, set up keys, and reach mail, the key directory
 * and the audit log. State lives in the {@link ClientHome} profile of the address.
 *
 * <pre>{@code
 * Sealpost alice = Sealpost.forAddress(ClientSettings.fromEnvironment(), ClientHome.fromEnvironment(), "alice@sealpost.test");
 * alice.signInWithPassword("alice", password, otp);
 * alice.initKeys(passphrase);                       // once: generate, publish, back up
 * alice.mail().send(draft, alice.unlock(passphrase), Progress.NONE);
 * }</pre>
 */
public final class Sealpost {

    private final ClientSettings settings;
    private final ClientHome home;
    private final Profile profile;
    private final KeycloakSignIn signIn;
    private final Clock clock;
    private final ApiHttp api;

    private Sealpost(ClientSettings settings, ClientHome home, Profile profile, String realm, Clock clock) {
        this.settings = settings;
        this.home = home;
        this.profile = profile;
        this.clock = clock;
        this.signIn = new KeycloakSignIn(settings.realmUri(realm), clock);
        this.api = new ApiHttp(settings.gateway(), this::accessToken);
    }

    public static Sealpost forAddress(ClientSettings settings, ClientHome home, String address) throws ClientException {
        Profile profile = home.profile(address);
        String realm = settings.realmOf(profile.domain()).orElseThrow(() -> new ClientException.LocalState(
                "no sign-in realm known for the domain " + profile.domain() + " (set SEALPOST_REALMS=domain=realm)"));
        return new Sealpost(settings, home, profile, realm, Clock.systemUTC());
    }

    /** The profile that signed in last. */
    public static Sealpost current(ClientSettings settings, ClientHome home) throws ClientException {
        Profile profile = home.current().orElseThrow(() -> new ClientException.LocalState("nobody is signed in here: run `sealpost login`"));
        return forAddress(settings, home, profile.address());
    }

    public String address() {
        return profile.address();
    }

    public Profile profile() {
        return profile;
    }

    public ClientSettings settings() {
        return settings;
    }

    /** Password grant with the TOTP code; the username defaults to the address's local part. */
    public void signInWithPassword(String username, char[] password, String oneTimeCode) throws ClientException {
        profile.storeSession(signIn.withPassword(username, password, oneTimeCode));
        home.makeCurrent(profile);
    }

    public DeviceAuthorization startDeviceSignIn() throws ClientException {
        return signIn.startDeviceAuthorization();
    }

    public void completeDeviceSignIn(DeviceAuthorization device) throws ClientException {
        profile.storeSession(signIn.awaitDeviceApproval(device));
        home.makeCurrent(profile);
    }

    /**
     * Signs out: the session ends at Keycloak, and so within seconds at the gateway, for this
     * device's tokens; then they are forgotten here. If Keycloak cannot be reached they are forgotten
     * anyway and the failure is thrown: the session then lasts until it expires.
     */
    public void signOut() throws ClientException {
        Optional<Tokens> session = profile.session();
        try {
            if (session.isPresent()) {
                signIn.signOut(session.get());
            }
        } finally {
            profile.clearSession();
        }
    }

    public boolean signedIn() throws ClientException {
        return profile.session().map(tokens -> tokens.accessUsableAt(clock.instant()) || tokens.refreshUsableAt(clock.instant()))
                .orElse(false);
    }

    /**
     * Sets this user up: generates the keys, stores them under the passphrase, publishes the bundle,
     * uploads the wrapped backup, and opens the mailbox (the mail-service creates it on its owner's
     * first visit, and delivers only to mailboxes that exist).
     */
    public KeyDirectory.Published initKeys(char[] passphrase) throws ClientException {
        if (profile.hasKeys()) {
            throw new ClientException.LocalState("keys for " + address() + " exist already: `sealpost keys rotate` replaces them");
        }
        KeyDirectory.Published published = publishNewKeys(passphrase);
        mail().quota();
        return published;
    }

    /** New keys replace the old: a new bundle version in the log; the contacts' clients will ask their users to accept it. */
    public KeyDirectory.Published rotateKeys(char[] passphrase) throws ClientException {
        unlock(passphrase); // only the holder of the current passphrase may replace the keys
        return publishNewKeys(passphrase);
    }

    /** Fetches the wrapped backup from the key-service and checks that the passphrase opens it. */
    public void restoreKeys(char[] passphrase) throws ClientException {
        byte[] wrapped = api.getBytes("/api/keys/backup");
        profile.storeWrappedKeys(wrapped);
        unlock(passphrase);
    }

    public PrivateKeys unlock(char[] passphrase) throws ClientException {
        return profile.openKeys(passphrase);
    }

    public KeyDirectory directory() {
        return new KeyDirectory(api, profile);
    }

    public ContactPins pins() {
        return new ContactPins(profile);
    }

    /** Looks a contact up (log-verified) and pins the key shown, after the user compared it. */
    public VerifiedBundle acceptKey(String contact) throws ClientException {
        VerifiedBundle bundle = directory().lookup(contact);
        pins().accept(bundle);
        return bundle;
    }

    public MailClient mail() {
        return new MailClient(api, directory(), pins(), profile.address());
    }

    public AuditClient audit() {
        return new AuditClient(api);
    }

    private KeyDirectory.Published publishNewKeys(char[] passphrase) throws ClientException {
        PrivateKeys keys = PrivateKeys.generate();
        byte[] previous = profile.hasKeys() ? profile.wrappedKeys() : null;
        // the private keys are on disk before the bundle is public, so mail sealed to it can always be opened;
        // a refused publish puts the previous keys back
        profile.storeKeys(keys, passphrase);
        KeyDirectory.Published published;
        try {
            published = directory().publish(keys.publicBundle());
        } catch (ClientException refused) {
            if (previous != null) {
                profile.storeWrappedKeys(previous);
            } else {
                profile.forgetKeys();
            }
            throw refused;
        }
        api.putBytes("/api/keys/backup", profile.wrappedKeys());
        return published;
    }

    /** The session's access token, refreshed when it is about to expire. */
    private String accessToken() throws ClientException {
        Tokens tokens = profile.session().orElseThrow(() -> new ClientException.LocalState(address() + " is not signed in: run `sealpost login`"));
        if (tokens.accessUsableAt(clock.instant())) {
            return tokens.accessToken();
        }
        if (!tokens.refreshUsableAt(clock.instant())) {
            throw new ClientException.LocalState("the session of " + address() + " expired: run `sealpost login`");
        }
        Tokens refreshed = signIn.refresh(tokens);
        profile.storeSession(refreshed);
        return refreshed.accessToken();
    }
}
