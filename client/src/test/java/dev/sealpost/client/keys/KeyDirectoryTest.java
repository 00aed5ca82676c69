package dev.sealpost.client.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.sealpost.client.ClientException;
import dev.sealpost.client.http.ApiHttp;
import dev.sealpost.client.state.ClientHome;
import dev.sealpost.client.state.Profile;
import dev.sealpost.crypto.PrivateKeys;
import dev.sealpost.crypto.PublicBundle;
import dev.sealpost.crypto.merkle.DirectoryLeaf;
import dev.sealpost.crypto.merkle.MerkleTree;
import dev.sealpost.crypto.merkle.SignedTreeHead;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's checks against a directory that lies. The server here is the attacker (a
 * compromised key-service): it answers from its own Merkle log, signed with its tenant key, and the
 * tests make it substitute a bundle, fork or rewrite its log, or sign with a key it does not publish.
 * (The honest key-service is exercised by the system tests.)
 */
class KeyDirectoryTest {

    private static final String TENANT = "consumer";
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    @TempDir
    Path home;

    private HttpServer server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Ed25519PrivateKeyParameters directoryKey = new Ed25519PrivateKeyParameters(new SecureRandom());
    private MerkleTree tree = new MerkleTree();
    private final List<DirectoryLeaf> leaves = new ArrayList<>();
    private final Map<String, PublicBundle> bundles = new HashMap<>();
    private KeyDirectory directory;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String key = exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            String body = answers.get(key);
            byte[] bytes = (body == null ? "{\"title\":\"Not Found\",\"status\":404}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", body == null ? "application/problem+json" : "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        ApiHttp api = new ApiHttp(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), () -> "test-token");
        Profile alice = new ClientHome(home).profile("alice@sealpost.test");
        directory = new KeyDirectory(api, alice);
        answers.put("/api/keys/tenants/consumer/jwks/directory", "{\"keys\":[" + jwk("dir-1", directoryKey) + "]}");
        publish("bob@sealpost.test", PrivateKeys.generate().publicBundle());
        publish("carol@sealpost.test", PrivateKeys.generate().publicBundle());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void anHonestLookupVerifiesAndItsTreeHeadIsRemembered() throws Exception {
        VerifiedBundle bob = directory.lookup("Bob@Sealpost.test");
        assertEquals(bundles.get("bob@sealpost.test").fingerprint(), bob.fingerprint());
        assertEquals(2, bob.treeSize());
        publish("dave@sealpost.test", PrivateKeys.generate().publicBundle());
        assertEquals(3, directory.lookup("bob@sealpost.test").treeSize(), "a grown log is accepted with its consistency proof");
    }

    @Test
    void aSubstitutedBundleIsCaughtByTheInclusionProof() throws Exception {
        directory.lookup("bob@sealpost.test");
        PublicBundle attackers = PrivateKeys.generate().publicBundle();
        // the directory serves another key for bob, with a matching fingerprint field, but cannot change the log
        tamper("bob@sealpost.test", lookup -> {
            lookup.put("bundle", BASE64.encodeToString(attackers.toBytes()));
            lookup.put("fingerprint", attackers.fingerprint().toHex());
            return lookup;
        });
        ClientException.DirectoryInconsistent refused = assertThrows(ClientException.DirectoryInconsistent.class,
                () -> directory.lookup("bob@sealpost.test"));
        assertTrue(refused.getMessage().contains("not the one in the transparency log"), refused.getMessage());
    }

    @Test
    void aBundleThatDoesNotMatchItsStatedFingerprintIsRefused() {
        tamper("bob@sealpost.test", lookup -> {
            lookup.put("bundle", BASE64.encodeToString(PrivateKeys.generate().publicBundle().toBytes()));
            return lookup;
        });
        assertThrows(ClientException.DirectoryInconsistent.class, () -> directory.lookup("bob@sealpost.test"));
    }

    @Test
    void aTreeHeadSignedByAKeyNotInTheJwksIsRefused() throws Exception {
        Ed25519PrivateKeyParameters other = new Ed25519PrivateKeyParameters(new SecureRandom());
        tamper("bob@sealpost.test", lookup -> {
            ObjectNode head = (ObjectNode) lookup.get("treeHead");
            head.put("signature", BASE64.encodeToString(sign(other, head.get("treeSize").asLong(), head.get("timestampMillis").asLong(),
                    Base64.getDecoder().decode(head.get("rootHash").asText()))));
            return lookup;
        });
        assertThrows(ClientException.DirectoryInconsistent.class, () -> directory.lookup("bob@sealpost.test"));
        tamper("bob@sealpost.test", lookup -> {
            ((ObjectNode) lookup.get("treeHead")).put("kid", "unknown-kid");
            return lookup;
        });
        assertThrows(ClientException.DirectoryInconsistent.class, () -> directory.lookup("bob@sealpost.test"));
    }

    @Test
    void aForkedLogIsCaught() throws Exception {
        directory.lookup("bob@sealpost.test"); // remembers the head of size 2
        // the attacker rebuilds its log for this client: same size, bob's entry replaced
        PublicBundle attackers = PrivateKeys.generate().publicBundle();
        tree = new MerkleTree();
        leaves.clear();
        publish("bob@sealpost.test", attackers);
        publish("carol@sealpost.test", bundles.get("carol@sealpost.test"));
        ClientException.DirectoryInconsistent forked = assertThrows(ClientException.DirectoryInconsistent.class,
                () -> directory.lookup("bob@sealpost.test"));
        assertTrue(forked.getMessage().contains("forked"), forked.getMessage());
        // and a longer rewritten log has no consistency proof to the head seen before
        publish("erin@sealpost.test", PrivateKeys.generate().publicBundle());
        ClientException.DirectoryInconsistent rewritten = assertThrows(ClientException.DirectoryInconsistent.class,
                () -> directory.lookup("bob@sealpost.test"));
        assertTrue(rewritten.getMessage().contains("rewrote its history"), rewritten.getMessage());
    }

    @Test
    void anAnswerForAnotherAddressIsRefused() {
        answers.put("/api/keys/directory/mallory%40sealpost.test", answers.get("/api/keys/directory/bob%40sealpost.test"));
        assertThrows(ClientException.DirectoryInconsistent.class, () -> directory.lookup("mallory@sealpost.test"));
    }

    @Test
    void pinsRefuseAChangedKeyUntilAccepted() throws Exception {
        ContactPins pins = new ContactPins(new ClientHome(home).profile("alice@sealpost.test"));
        VerifiedBundle first = directory.lookup("bob@sealpost.test");
        pins.check(first);
        pins.check(first);
        publish("bob@sealpost.test", PrivateKeys.generate().publicBundle()); // bob rotates: a logged, legitimate change
        VerifiedBundle rotated = directory.lookup("bob@sealpost.test");
        ClientException.KeyChanged changed = assertThrows(ClientException.KeyChanged.class, () -> pins.check(rotated));
        assertEquals(first.fingerprint().toHex(), changed.pinnedFingerprint());
        assertEquals(rotated.fingerprint().toHex(), changed.presentedFingerprint());
        pins.accept(rotated);
        pins.check(rotated);
    }

    /** Appends a leaf for the address's next version and serves lookups and proofs for the new tree. */
    private void publish(String address, PublicBundle bundle) {
        long version = leaves.stream().filter(leaf -> leaf.address().equals(address)).count() + 1;
        DirectoryLeaf leaf = new DirectoryLeaf(address, version, bundle.fingerprint(), 1_700_000_000_000L + leaves.size());
        leaves.add(leaf);
        tree.append(leaf.leafHash());
        bundles.put(address, bundle);
        long size = tree.size();
        long timestamp = System.currentTimeMillis();
        byte[] root = tree.root(size);
        String head = "{\"tenant\":\"" + TENANT + "\",\"treeSize\":" + size + ",\"timestampMillis\":" + timestamp + ",\"rootHash\":\""
                + BASE64.encodeToString(root) + "\",\"kid\":\"dir-1\",\"signature\":\"" + BASE64.encodeToString(sign(directoryKey, size, timestamp, root))
                + "\"}";
        for (int i = 0; i < leaves.size(); i++) {
            DirectoryLeaf current = leaves.get(i);
            if (leaves.subList(i + 1, leaves.size()).stream().anyMatch(later -> later.address().equals(current.address()))) {
                continue; // a newer version of this address follows
            }
            List<String> proof = tree.inclusionProof(i, size).stream().map(BASE64::encodeToString).toList();
            answers.put("/api/keys/directory/" + current.address().replace("@", "%40"), "{\"address\":\"" + current.address()
                    + "\",\"version\":" + current.version() + ",\"bundle\":\"" + BASE64.encodeToString(bundles.get(current.address()).toBytes())
                    + "\",\"fingerprint\":\"" + current.fingerprint().toHex() + "\",\"leafIndex\":" + i + ",\"loggedAtMillis\":"
                    + current.timeMillis() + ",\"inclusionProof\":" + json(proof) + ",\"treeHead\":" + head + "}");
        }
        answers.put("/api/keys/log/" + TENANT + "/tree-head", head);
        for (long from = 1; from <= size; from++) {
            answers.put("/api/keys/log/" + TENANT + "/consistency?from=" + from + "&to=" + size, "{\"firstSize\":" + from + ",\"secondSize\":"
                    + size + ",\"proof\":" + json(tree.consistencyProof(from, size).stream().map(BASE64::encodeToString).toList()) + "}");
        }
    }

    private void tamper(String address, UnaryOperator<ObjectNode> change) {
        String path = "/api/keys/directory/" + address.replace("@", "%40");
        try {
            ObjectNode lookup = (ObjectNode) ApiHttp.JSON.readTree(answers.get(path));
            answers.put(path, ApiHttp.JSON.writeValueAsString(change.apply(lookup)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(List<String> values) {
        try {
            return ApiHttp.JSON.writeValueAsString(values);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sign(Ed25519PrivateKeyParameters key, long size, long timestamp, byte[] root) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        byte[] message = SignedTreeHead.toBeSigned(size, timestamp, root);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    private static String jwk(String kid, Ed25519PrivateKeyParameters key) {
        return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"EdDSA\",\"use\":\"sig\",\"kid\":\"" + kid + "\",\"x\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(key.generatePublicKey().getEncoded()) + "\"}";
    }
}
