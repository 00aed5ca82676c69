package dev.sealpost.crypto;

/**
 * What a part of an envelope holds. Version 2: manifest, subject, body, then attachments, in that
 * order; version 1 has no manifest.
 */
public enum PartKind {
    SUBJECT(0), BODY(1), ATTACHMENT(2), MANIFEST(3);

    private final int code;

    PartKind(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    static PartKind fromCode(int code) throws CryptoException.Malformed {
        for (PartKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw new CryptoException.Malformed("unknown part kind " + code);
    }
}
