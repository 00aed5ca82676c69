package dev.sealpost.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional reads over an envelope in memory or in a file, so one parser serves both. */
interface EnvelopeSource {

    long size();

    /** Reads exactly {@code length} bytes at {@code position}; callers check bounds against {@link #size()} first. */
    void read(long position, byte[] into, int offset, int length);

    default byte[] read(long position, int length) {
        byte[] bytes = new byte[length];
        read(position, bytes, 0, length);
        return bytes;
    }

    static EnvelopeSource of(byte[] envelope) {
        return new EnvelopeSource() {
            @Override
            public long size() {
                return envelope.length;
            }

            @Override
            public void read(long position, byte[] into, int offset, int length) {
                System.arraycopy(envelope, Math.toIntExact(position), into, offset, length);
            }
        };
    }

    /** A file opened for reading; I/O failures surface as {@link UncheckedIOException}. */
    static EnvelopeSource of(FileChannel channel) throws IOException {
        long size = channel.size();
        return new EnvelopeSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public void read(long position, byte[] into, int offset, int length) {
                ByteBuffer buffer = ByteBuffer.wrap(into, offset, length);
                try {
                    while (buffer.hasRemaining()) {
                        if (channel.read(buffer, position + buffer.position() - offset) < 0) {
                            throw new IOException("the envelope file is shorter than when it was opened");
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
