package dev.sealpost.keys;

import dev.sealpost.crypto.Fingerprint;
import dev.sealpost.crypto.PublicBundle;
import dev.sealpost.crypto.merkle.DirectoryLeaf;
import dev.sealpost.crypto.merkle.MerkleProofs;
import dev.sealpost.crypto.merkle.SignedTreeHead;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * The directory as a client uses it: publishing a bundle, looking an address up, and checking a
 * lookup — the bundle, the leaf, the inclusion proof and the tree head signature.
 */
final class DirectoryClient {

    private DirectoryClient() {
    }

    /** PUT of a bundle for an address, as its owner (the passport). */
    static Response publish(String passport, String address, byte[] bundle) {
        return given().header("Authorization", "Bearer " + passport).contentType("application/octet-stream").body(bundle)
                .put("/api/keys/directory/" + address);
    }

    /** A lookup that must succeed, as its JSON. */
    static JsonPath lookup(String passport, String address) {
        return given().header("Authorization", "Bearer " + passport).get("/api/keys/directory/" + address)
                .then().statusCode(200).extract().jsonPath();
    }

    record Verified(PublicBundle bundle, long version, long treeSize, byte[] rootHash) {
    }

    /** Throws AssertionError naming the first check that fails. */
    static Verified verifyLookup(JsonPath lookup) throws Exception {
        Base64.Decoder base64 = Base64.getDecoder();
        PublicBundle bundle = PublicBundle.fromBytes(base64.decode(lookup.getString("bundle")));
        if (!bundle.fingerprint().equals(Fingerprint.fromHex(lookup.getString("fingerprint")))) {
            throw new AssertionError("fingerprint does not match the bundle");
        }
        DirectoryLeaf leaf = new DirectoryLeaf(lookup.getString("address"), lookup.getLong("version"), bundle.fingerprint(),
                lookup.getLong("loggedAtMillis"));
        List<byte[]> proof = lookup.getList("inclusionProof", String.class).stream().map(base64::decode).toList();
        long treeSize = lookup.getLong("treeHead.treeSize");
        byte[] root = base64.decode(lookup.getString("treeHead.rootHash"));
        if (!MerkleProofs.verifyInclusion(lookup.getLong("leafIndex"), treeSize, leaf.leafHash(), proof, root)) {
            throw new AssertionError("inclusion proof does not verify");
        }
        verifyTreeHead(lookup.getString("treeHead.tenant"), treeSize, lookup.getLong("treeHead.timestampMillis"), root,
                lookup.getString("treeHead.kid"), base64.decode(lookup.getString("treeHead.signature")));
        return new Verified(bundle, lookup.getLong("version"), treeSize, root);
    }

    static void verifyTreeHead(String tenant, long treeSize, long timestamp, byte[] root, String kid, byte[] signature) {
        List<Map<String, String>> keys = given().get("/api/keys/tenants/" + tenant + "/jwks/directory").then().statusCode(200)
                .extract().path("keys");
        Map<String, String> jwk = keys.stream().filter(key -> kid.equals(key.get("kid"))).findFirst()
                .orElseThrow(() -> new AssertionError("tree head signed by a kid not in the directory JWKS"));
        if (!new SignedTreeHead(treeSize, timestamp, root, signature).verify(jwk)) {
            throw new AssertionError("tree head signature does not verify");
        }
    }
}
