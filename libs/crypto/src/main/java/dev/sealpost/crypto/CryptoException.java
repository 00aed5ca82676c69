package dev.sealpost.crypto;

import java.security.GeneralSecurityException;

/**
 * Why a cryptographic operation refused its input. Each kind is its own type so callers can answer
 * precisely (for example 404 for {@link NotARecipient}, 422 for {@link Malformed}); messages never
 * contain key material or plaintext.
 */
public abstract sealed class CryptoException extends GeneralSecurityException {

    protected CryptoException(String message) {
        super(message);
    }

    protected CryptoException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The bytes do not follow the format: truncated, trailing data, a length over a limit, a bad field. */
    public static final class Malformed extends CryptoException {
        public Malformed(String message) {
            super(message);
        }
    }

    /** A version or algorithm identifier this library does not implement. */
    public static final class UnsupportedVersion extends CryptoException {
        public UnsupportedVersion(String message) {
            super(message);
        }
    }

    /** The signature does not verify against the claimed signer, or names another signer. */
    public static final class BadSignature extends CryptoException {
        public BadSignature(String message) {
            super(message);
        }
    }

    /** Authenticated decryption failed: the ciphertext or its associated data was changed. */
    public static final class Tampered extends CryptoException {
        public Tampered(String message) {
            super(message);
        }
    }

    /** The envelope has no wrapped key for the keys that tried to open it. */
    public static final class NotARecipient extends CryptoException {
        public NotARecipient() {
            super("these keys are not among the envelope's recipients");
        }
    }

    /**
     * A valid message that was not addressed to the reader: the signed manifest names neither the
     * reader among its To, Cc and Bcc recipients nor as its sender (a forwarded or replayed copy).
     */
    public static final class NotAddressedToYou extends CryptoException {
        public NotAddressedToYou() {
            super("the signed manifest does not name this reader as a recipient");
        }
    }

    /** The signed manifest names another sender address than the one the key was looked up for. */
    public static final class WrongSender extends CryptoException {
        public WrongSender() {
            super("the signed manifest names another sender address");
        }
    }

    /** The passphrase does not open the wrapped keys (or they were changed). */
    public static final class WrongPassphrase extends CryptoException {
        public WrongPassphrase() {
            super("wrong passphrase, or the wrapped keys were changed");
        }
    }

    /** Parameters weaker than the minimum this library accepts. */
    public static final class WeakParameters extends CryptoException {
        public WeakParameters(String message) {
            super(message);
        }
    }
}
