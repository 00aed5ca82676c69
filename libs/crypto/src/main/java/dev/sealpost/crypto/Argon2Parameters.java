package dev.sealpost.crypto;

/**
 * Argon2id cost parameters, stored with every wrapped blob so they can be raised later without
 * breaking old blobs. Below OWASP's floor (m = 19 MiB, t = 2) is refused on wrap and on unwrap, so a
 * server cannot downgrade a blob to make it cheap to attack.
 */
public record Argon2Parameters(int memoryKiB, int iterations, int parallelism) {

    public static final Argon2Parameters DEFAULT = new Argon2Parameters(64 * 1024, 3, 1);
    static final int MIN_MEMORY_KIB = 19 * 1024;
    static final int MIN_ITERATIONS = 2;
    /** Upper bounds so a hostile blob cannot make a client spend gigabytes or minutes. */
    static final int MAX_MEMORY_KIB = 1024 * 1024;
    static final int MAX_ITERATIONS = 20;
    static final int MAX_PARALLELISM = 16;

    void requireAcceptable() throws CryptoException.WeakParameters {
        if (memoryKiB < MIN_MEMORY_KIB || iterations < MIN_ITERATIONS || parallelism < 1) {
            throw new CryptoException.WeakParameters("Argon2id needs at least m=19 MiB, t=2, p=1");
        }
        if (memoryKiB > MAX_MEMORY_KIB || iterations > MAX_ITERATIONS || parallelism > MAX_PARALLELISM) {
            throw new CryptoException.WeakParameters("Argon2id parameters above this library's limits");
        }
    }
}
