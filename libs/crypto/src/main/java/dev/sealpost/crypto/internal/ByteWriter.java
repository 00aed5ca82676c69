package dev.sealpost.crypto.internal;

import java.io.ByteArrayOutputStream;

/** Big-endian writer for the canonical encodings; the counterpart of {@link ByteReader}. */
public final class ByteWriter {

    private final ByteArrayOutputStream out;

    public ByteWriter() {
        this(256);
    }

    public ByteWriter(int initialCapacity) {
        this.out = new ByteArrayOutputStream(initialCapacity);
    }

    public ByteWriter u8(int value) {
        out.write(value);
        return this;
    }

    public ByteWriter u16(int value) {
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    public ByteWriter u32(long value) {
        out.write((int) (value >>> 24));
        out.write((int) (value >>> 16));
        out.write((int) (value >>> 8));
        out.write((int) value);
        return this;
    }

    public ByteWriter u64(long value) {
        return u32(value >>> 32).u32(value & 0xffffffffL);
    }

    public ByteWriter bytes(byte[] value) {
        out.writeBytes(value);
        return this;
    }

    public ByteWriter lengthPrefixed(byte[] value) {
        return u32(value.length).bytes(value);
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
