package dev.sealpost.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Tests that are about keys, bytes and tampering rather than addresses: every key pair gets a
 * stable address derived from its fingerprint, and a seal to a list of bundles puts them all in To.
 */
final class TestMail {

    private TestMail() {
    }

    static String address(PublicBundle bundle) {
        return "u" + bundle.fingerprint().toHex().substring(0, 16) + "@example.test";
    }

    static Mailbox mailbox(PrivateKeys keys) {
        return new Mailbox(address(keys.publicBundle()), keys);
    }

    static Contact contact(PublicBundle bundle) {
        return new Contact(address(bundle), bundle);
    }

    static Addressing to(List<PublicBundle> recipients) {
        return Addressing.builder().to(recipients.stream().map(TestMail::contact).toList()).build();
    }

    /** The To copy of a message to {@code recipients}. */
    static byte[] seal(EnvelopeContent content, List<PublicBundle> recipients, PrivateKeys sender) {
        return Envelope.seal(content, to(recipients), mailbox(sender)).get(0).envelope();
    }

    static void seal(EnvelopeContent content, List<PublicBundle> recipients, PrivateKeys sender, OutputStream out) throws IOException {
        seal(content, recipients, sender, out, EnvelopeFormat.DEFAULT_SEGMENT_SIZE);
    }

    static void seal(EnvelopeContent content, List<PublicBundle> recipients, PrivateKeys sender, OutputStream out, int segmentSize)
            throws IOException {
        Envelope.seal(content, to(recipients), mailbox(sender), deliverTo -> new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }


            @Override
            public void close() {
                // the caller owns the stream
            }
        }, Instant.now(), SealRandomness.SECURE, segmentSize);
    }

    static OpenedEnvelope open(byte[] envelope, PrivateKeys reader, PublicBundle sender) throws CryptoException {
        return Envelope.open(envelope, mailbox(reader), contact(sender));
    }

    static OpenedFiles open(Path envelope, PrivateKeys reader, PublicBundle sender, Path outputDirectory)
            throws CryptoException, IOException {
        return Envelope.open(envelope, mailbox(reader), contact(sender), outputDirectory);
    }

}
