package dev.sealpost.client;

import java.util.Optional;

/**
 * Every failure the SDK reports, typed so that a caller (and the CLI) can tell what went wrong
 * without parsing messages. Nothing here carries a token, a passphrase or plaintext.
 */
public abstract sealed class ClientException extends Exception {

    protected ClientException(String message) {
        super(message);
    }

    protected ClientException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The server answered with an RFC 9457 problem (or at least an error status). */
    public static final class ApiProblem extends ClientException {
        private final int status;
        private final String title;
        private final String detail;
        private final String retryAfter;

        public ApiProblem(int status, String title, String detail, String retryAfter) {
            super(status + " " + title + (detail == null || detail.isBlank() ? "" : ": " + detail));
            this.status = status;
            this.title = title;
            this.detail = detail;
            this.retryAfter = retryAfter;
        }

        public int status() {
            return status;
        }

        public String title() {
            return title;
        }

        public String detail() {
            return detail;
        }

        /** Seconds to wait, when the server said so (429, 503). */
        public Optional<String> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }
    }

    /** The server could not be reached, or answered something that is not the API. */
    public static final class Unreachable extends ClientException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A contact's key is not the one this client pinned. Like SSH's known_hosts: nothing is sent to
     * the address until the user has compared the fingerprints and accepted the new key.
     */
    public static final class KeyChanged extends ClientException {
        private final String address;
        private final String pinnedFingerprint;
        private final String presentedFingerprint;

        public KeyChanged(String address, String pinnedFingerprint, String presentedFingerprint) {
            super("the key of " + address + " changed: pinned " + pinnedFingerprint + ", now " + presentedFingerprint
                    + " — compare the fingerprints with " + address + " over another channel, then accept the new key");
            this.address = address;
            this.pinnedFingerprint = pinnedFingerprint;
            this.presentedFingerprint = presentedFingerprint;
        }

        public String address() {
            return address;
        }

        public String pinnedFingerprint() {
            return pinnedFingerprint;
        }

        public String presentedFingerprint() {
            return presentedFingerprint;
        }
    }

    /**
     * The key directory answered something its transparency log does not back: a bundle that does
     * not match its log entry, a proof that does not verify, a tree head not signed by the tenant's
     * directory key, or a log that is not an extension of the one this client saw before.
     */
    public static final class DirectoryInconsistent extends ClientException {
        public DirectoryInconsistent(String message) {
            super(message);
        }
    }

    /** The local state (keys, session) is missing or cannot be opened with what was given. */
    public static final class LocalState extends ClientException {
        public LocalState(String message) {
            super(message);
        }

        public LocalState(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A message could not be opened: not for us, tampered with, or its signature does not verify. */
    public static final class Unopenable extends ClientException {
        public Unopenable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
