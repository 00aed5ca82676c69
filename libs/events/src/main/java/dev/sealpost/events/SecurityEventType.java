package dev.sealpost.events;

/**
 * Every kind of security event Sealpost records, in one place, so a SOC analyst can read the whole
 * list in one file. The name is the wire value ({@code type} in the JSON encoding); never rename one.
 */
public enum SecurityEventType {

    // --- key-service: directory, backups, transparency log ---
    KEY_BUNDLE_PUBLISHED(Category.ACCOUNT_CHANGE, "A user published their first public key bundle"),
    KEY_VERSION_ADDED(Category.ACCOUNT_CHANGE, "A user published a new version of their key bundle"),
    KEY_BACKUP_UPDATED(Category.ACCOUNT_CHANGE, "A user stored a new passphrase-wrapped private-key backup"),
    TREE_HEAD_PUBLISHED(Category.API_ACTIVITY, "The key directory signed a new transparency-log tree head"),
    DIRECTORY_LOG_INTEGRITY_FAILED(Category.API_ACTIVITY,
            "A tenant's directory log no longer matches its signed tree head; the log stopped serving (alert)"),

    // --- key-service: signing keys of a tenant ---
    SIGNING_KEY_CREATED(Category.API_ACTIVITY, "A signing key was generated and published as PENDING"),
    SIGNING_KEY_ACTIVATED(Category.API_ACTIVITY, "A PENDING signing key became ACTIVE and now signs"),
    SIGNING_KEY_RETIRED(Category.API_ACTIVITY, "An ACTIVE signing key stopped signing; its private part was erased"),
    SIGNING_KEY_DESTROYED(Category.API_ACTIVITY, "A RETIRED signing key left the JWKS after its last token expired"),
    SIGNING_KEY_REVOKED(Category.API_ACTIVITY, "An operator revoked a signing key; its tokens fail at once"),

    // --- mail-service ---
    MESSAGE_SENT(Category.API_ACTIVITY, "A user sent a sealed message (sender's log)"),
    MESSAGE_RECEIVED(Category.API_ACTIVITY, "A sealed message was delivered to a mailbox (recipient's log)"),
    MESSAGE_DELETED(Category.API_ACTIVITY, "A message was moved to the trash or purged"),
    MAILBOX_ACCESSED(Category.API_ACTIVITY, "A mailbox was listed or read: one event per actor, address, client and minute, with a count"),
    MAILBOX_ACCESS_DENIED(Category.API_ACTIVITY, "Someone asked for a message or mailbox that is not theirs"),

    // --- key-service: passports ---
    PASSPORT_REFUSED(Category.AUTHENTICATION,
            "A passport request was refused, or a presented passport failed verification (reason category only)");

    /** OCSF classes the event types map to (issue 6 adds the full OCSF and CEF mappings). */
    public enum Category {
        AUTHENTICATION(3002),
        ACCOUNT_CHANGE(3001),
        API_ACTIVITY(6003);

        private final int ocsfClassUid;

        Category(int ocsfClassUid) {
            this.ocsfClassUid = ocsfClassUid;
        }

        public int ocsfClassUid() {
            return ocsfClassUid;
        }
    }

    private final Category category;
    private final String description;

    SecurityEventType(Category category, String description) {
        this.category = category;
        this.description = description;
    }

    public Category category() {
        return category;
    }

    public String description() {
        return description;
    }
}
