package dev.sealpost.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a part's plaintext comes from: memory, or a file that is streamed and never loaded whole. */
public sealed interface PartSource {

    long length();

    InputStream open() throws IOException;

    static PartSource ofBytes(byte[] bytes) {
        return new InMemory(bytes.clone());
    }

    static PartSource ofFile(Path file) throws IOException {
        return new FromFile(file, Files.size(file));
    }

    record InMemory(byte[] bytes) implements PartSource {
        @Override
        public long length() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }
    }

    record FromFile(Path file, long length) implements PartSource {
        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(file);
        }
    }
}
