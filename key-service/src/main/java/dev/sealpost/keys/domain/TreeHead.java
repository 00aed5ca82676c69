package dev.sealpost.keys.domain;

/** A signed tree head of a tenant's directory log, as stored in {@code tree_head}. */
public record TreeHead(String tenant, long treeSize, long timestampMillis, byte[] rootHash, String kid, byte[] signature) {
}
