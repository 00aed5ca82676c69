package dev.sealpost.crypto.internal;

import java.util.Arrays;

/**
 * Strict big-endian reader over a byte array. Every length is checked against the bytes that are
 * actually left before anything is allocated, so a forged length field costs nothing.
 */
public final class ByteReader {

    private final byte[] data;
    private int position;

    public ByteReader(byte[] data) {
        this.data = data;
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return data.length - position;
    }

    public int u8() throws TruncatedException {
        require(1);
        return data[position++] & 0xff;
    }

    public int u16() throws TruncatedException {
        require(2);
        int value = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
        position += 2;
        return value;
    }

    public long u32() throws TruncatedException {
        require(4);
        long value = ((long) (data[position] & 0xff) << 24) | ((data[position + 1] & 0xff) << 16)
                | ((data[position + 2] & 0xff) << 8) | (data[position + 3] & 0xff);
        position += 4;
        return value;
    }

    public long u64() throws TruncatedException {
        long high = u32();
        long low = u32();
        return (high << 32) | low;
    }

    public byte[] bytes(int length) throws TruncatedException {
        if (length < 0) {
            throw new TruncatedException();
        }
        require(length);
        byte[] out = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return out;
    }

    /** A length-prefixed (u32) byte string of at most {@code max} bytes. */
    public byte[] lengthPrefixed(int max) throws TruncatedException, LimitExceededException {
        long length = u32();
        if (length > max) {
            throw new LimitExceededException();
        }
        return bytes((int) length);
    }

    public void skip(long length) throws TruncatedException {
        if (length < 0 || length > remaining()) {
            throw new TruncatedException();
        }
        position += (int) length;
    }

    private void require(int length) throws TruncatedException {
        if (length > remaining()) {
            throw new TruncatedException();
        }
    }

    /** The input ended before a field did. */
    public static final class TruncatedException extends Exception {
        public TruncatedException() {
            super("input ends inside a field", null, false, false);
        }
    }

    /** A length field exceeds what the format allows. */
    public static final class LimitExceededException extends Exception {
        public LimitExceededException() {
            super("length over the format's limit", null, false, false);
        }
    }
}
