package dev.sealpost.client.keys;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sealpost.client.ClientException;
import dev.sealpost.client.http.ApiHttp;
import dev.sealpost.client.state.ClientHome;
import dev.sealpost.client.state.Profile;
import dev.sealpost.crypto.CryptoException;
import dev.sealpost.crypto.Fingerprint;
import dev.sealpost.crypto.KeyPurpose;
import dev.sealpost.crypto.PublicBundle;
import dev.sealpost.crypto.merkle.DirectoryLeaf;
import dev.sealpost.crypto.merkle.MerkleProofs;
import dev.sealpost.crypto.merkle.SignedTreeHead;

import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The key directory as a client must use it: never take a bundle on the server's word. A lookup
 * is accepted only if the bundle matches its log entry, the entry's inclusion proof leads to the
 * tree head's root, the tree head is signed by the tenant's directory key, and that tree head
 * extends (RFC 9162 consistency proof) the last one this profile saw — so a directory that shows
 * one user a substituted key must either log it (visible to everyone) or fork its log (caught).
 */
public final class KeyDirectory {

    private static final Base64.Decoder BASE64 = Base64.getDecoder();
    private static final Base64.Encoder BASE64ENC = Base64.getEncoder();

    private final ApiHttp api;
    private final Profile profile;

    public KeyDirectory(ApiHttp api, Profile profile) {
        this.api = api;
        this.profile = profile;
    }

    public record Published(String address, long version, String fingerprint, long leafIndex) {
    }

    public Published publish(PublicBundle bundle) throws ClientException {
        JsonNode answer = api.putBytes("/api/keys/directory/" + ApiHttp.segment(profile.address()), bundle.toBytes());
        return new Published(answer.path("address").asText(), answer.path("version").asLong(), answer.path("fingerprint").asText(),
                answer.path("leafIndex").asLong());
    }

    /** The current bundle of an address, verified against the log. */
    public VerifiedBundle lookup(String address) throws ClientException {
        return lookup(address, null);
    }

    public VerifiedBundle lookup(String address, Long version) throws ClientException {
        String normalized = ClientHome.normalize(address);
        JsonNode answer = api.getJson("/api/keys/directory/" + ApiHttp.segment(normalized) + (version == null ? "" : "?version=" + version));
        return verify(normalized, answer);
    }

    /** The sender's bundle whose fingerprint the envelope names (the current one, or an earlier version after a rotation). */
    public VerifiedBundle lookupByFingerprint(String address, Fingerprint fingerprint, int maxVersionsBack) throws ClientException {
        VerifiedBundle current = lookup(address);
        for (long version = current.version(); version >= 1 && version > current.version() - maxVersionsBack; version--) {
            VerifiedBundle candidate = version == current.version() ? current : lookup(address, version);
            if (candidate.fingerprint().equals(fingerprint)) {
                return candidate;
            }
        }
        throw new ClientException.DirectoryInconsistent("no logged key of " + address + " has the fingerprint " + fingerprint.toHex()
                + " that signed this message");
    }

    /** The latest tree head of a tenant's log, checked and remembered (what `keys verify` shows). */
    public Profile.SeenTreeHead checkLog(String tenant) throws ClientException {
        JsonNode head = api.getPublicJson("/api/keys/log/" + ApiHttp.segment(tenant) + "/tree-head");
        return acceptTreeHead(head);
    }

    private VerifiedBundle verify(String address, JsonNode answer) throws ClientException {
        if (!address.equals(answer.path("address").asText())) {
            throw inconsistent("the directory answered for " + answer.path("address").asText() + " when asked for " + address);
        }
        PublicBundle bundle;
        try {
            bundle = PublicBundle.fromBytes(BASE64.decode(answer.path("bundle").asText()));
        } catch (CryptoException | IllegalArgumentException e) {
            throw inconsistent("the bundle of " + address + " is malformed or its self-signature does not verify");
        }
        if (!bundle.fingerprint().toHex().equals(answer.path("fingerprint").asText())) {
            throw inconsistent("the bundle of " + address + " does not have the fingerprint the directory states");
        }
        long version = answer.path("version").asLong();
        DirectoryLeaf leaf = new DirectoryLeaf(address, version, bundle.fingerprint(), answer.path("loggedAtMillis").asLong());
        JsonNode head = answer.path("treeHead");
        long treeSize = head.path("treeSize").asLong();
        byte[] root = decode(head.path("rootHash"));
        List<byte[]> proof = decodeList(answer.path("inclusionProof"));
        if (!MerkleProofs.verifyInclusion(answer.path("leafIndex").asLong(), treeSize, leaf.leafHash(), proof, root)) {
            throw inconsistent("the key of " + address + " (version " + version + ", fingerprint " + bundle.fingerprint().toHex()
                    + ") is not the one in the transparency log: the directory may have substituted it");
        }
        acceptTreeHead(head);
        return new VerifiedBundle(address, version, bundle, head.path("tenant").asText(), treeSize);
    }

    /** Signature by the tenant's directory key, then consistency with the last head this profile saw; remembered if newer. */
    private Profile.SeenTreeHead acceptTreeHead(JsonNode head) throws ClientException {
        String tenant = head.path("tenant").asText();
        long size = head.path("treeSize").asLong();
        long timestamp = head.path("timestampMillis").asLong();
        byte[] root = decode(head.path("rootHash"));
        String kid = head.path("kid").asText();
        Map<String, String> jwk = directoryKey(tenant, kid)
                .orElseThrow(() -> inconsistent("the tree head of " + tenant + " is signed by a key (" + kid + ") not in its directory JWKS"));
        if (!new SignedTreeHead(size, timestamp, root, decode(head.path("signature"))).verify(jwk)) {
            throw inconsistent("the tree head signature of " + tenant + " does not verify");
        }
        Profile.SeenTreeHead current = new Profile.SeenTreeHead(size, BASE64ENC.encodeToString(root), timestamp);
        Optional<Profile.SeenTreeHead> seen = profile.seenTreeHead(tenant);
        if (seen.isEmpty()) {
            profile.storeSeenTreeHead(tenant, current);
            return current;
        }
        Profile.SeenTreeHead before = seen.get();
        byte[] beforeRoot = BASE64.decode(before.rootHash());
        if (before.treeSize() == size) {
            if (!Arrays.equals(beforeRoot, root)) {
                throw inconsistent("the key log of " + tenant + " has two different roots for size " + size + ": a forked log");
            }
            return current;
        }
        long from = Math.min(before.treeSize(), size);
        long to = Math.max(before.treeSize(), size);
        if (from > 0) {
            JsonNode consistency = api.getPublicJson("/api/keys/log/" + ApiHttp.segment(tenant) + "/consistency"
                    + "?from=" + from + "&to=" + to);
            byte[] fromRoot = size < before.treeSize() ? root : beforeRoot;
            byte[] toRoot = size < before.treeSize() ? beforeRoot : root;
            if (!MerkleProofs.verifyConsistency(from, to, fromRoot, toRoot, decodeList(consistency.path("proof")))) {
                throw inconsistent("the key log of " + tenant + " at size " + to + " does not extend the one seen at size " + from
                        + ": the directory rewrote its history");
            }
        }
        if (size > before.treeSize()) {
            profile.storeSeenTreeHead(tenant, current);
        }
        return current;
    }

    private Optional<Map<String, String>> directoryKey(String tenant, String kid) throws ClientException {
        JsonNode keys = api.getPublicJson(KeyPurpose.DIRECTORY.jwksPath(ApiHttp.segment(tenant))).path("keys");
        for (JsonNode key : keys) {
            if (kid.equals(key.path("kid").asText())) {
                Map<String, String> jwk = new HashMap<>();
                key.fields().forEachRemaining(field -> {
                    if (field.getValue().isTextual()) {
                        jwk.put(field.getKey(), field.getValue().asText());
                    }
                });
                return Optional.of(jwk);
            }
        }
        return Optional.empty();
    }

    private static byte[] decode(JsonNode node) throws ClientException {
        try {
            return BASE64.decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw inconsistent("the directory answered a malformed hash or signature");
        }
    }

    private static List<byte[]> decodeList(JsonNode array) throws ClientException {
        if (!array.isArray() || array.size() > MerkleProofs.MAX_PROOF_LENGTH) {
            throw inconsistent("the directory answered a malformed proof");
        }
        List<byte[]> hashes = new java.util.ArrayList<>();
        for (JsonNode hash : array) {
            hashes.add(decode(hash));
        }
        return hashes;
    }

    private static ClientException.DirectoryInconsistent inconsistent(String message) {
        return new ClientException.DirectoryInconsistent(message);
    }
}
