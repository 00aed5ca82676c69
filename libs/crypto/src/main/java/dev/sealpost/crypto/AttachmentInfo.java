package dev.sealpost.crypto;

/**
 * An attachment as the signed manifest describes it. The name is the sender's, untrusted: a client
 * must make it safe before using it as a file name.
 */
public record AttachmentInfo(String name, String mediaType, long length) {
}
