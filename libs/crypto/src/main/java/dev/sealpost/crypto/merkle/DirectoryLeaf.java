package dev.sealpost.crypto.merkle;

import dev.sealpost.crypto.Fingerprint;
import dev.sealpost.crypto.internal.ByteWriter;

import java.nio.charset.StandardCharsets;

/**
 * One entry of the key directory's transparency log: "at {@code timeMillis}, version {@code version}
 * of {@code address}'s key bundle has fingerprint {@code fingerprint}". Server and client compute the
 * same canonical bytes, so a client checks the bundle it received against the log itself.
 *
 * <pre>leaf = u8 1 (leaf format) || u16 length || address (UTF-8, lower case) || u64 version
 *        || fingerprint (32) || u64 time_ms</pre>
 */
public record DirectoryLeaf(String address, long version, Fingerprint fingerprint, long timeMillis) {

    public static final int MAX_ADDRESS_LENGTH = 254;

    public DirectoryLeaf {
        if (address.isEmpty() || address.length() > MAX_ADDRESS_LENGTH || version < 1) {
            throw new IllegalArgumentException("an address of 1..254 characters and a version from 1");
        }
    }

    public byte[] encode() {
        byte[] addressBytes = address.getBytes(StandardCharsets.UTF_8);
        return new ByteWriter(1 + 2 + addressBytes.length + 8 + 32 + 8).u8(1).u16(addressBytes.length).bytes(addressBytes)
                .u64(version).bytes(fingerprint.toBytes()).u64(timeMillis).toByteArray();
    }

    public byte[] leafHash() {
        return MerkleHashes.leafHash(encode());
    }
}
