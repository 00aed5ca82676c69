package dev.sealpost.events;

/**
 * Every kind of security event Sealpost records, in one place, so a SOC analyst can read the whole
 * list in one file. The name is the wire value ({@code type} in the JSON encoding); never rename one.
 */
public enum SecurityEventType {

    // --- key-service: directory, backups, transparency log ---
    KEY_BUNDLE_PUBLISHED(1, Category.ACCOUNT_CHANGE, "A user published their first public key bundle"),
    KEY_VERSION_ADDED(99, Category.ACCOUNT_CHANGE, "A user published a new version of their key bundle"),
    KEY_BACKUP_UPDATED(99, Category.ACCOUNT_CHANGE, "A user stored a new passphrase-wrapped private-key backup"),
    TREE_HEAD_PUBLISHED(1, Category.API_ACTIVITY, "The key directory signed a new transparency-log tree head"),
    DIRECTORY_LOG_INTEGRITY_FAILED(99, Category.API_ACTIVITY,
            "A tenant's directory log no longer matches its signed tree head; the log stopped serving (alert)"),

    // --- key-service: signing keys of a tenant ---
    SIGNING_KEY_CREATED(1, Category.API_ACTIVITY, "A signing key was generated and published as PENDING"),
    SIGNING_KEY_ACTIVATED(3, Category.API_ACTIVITY, "A PENDING signing key became ACTIVE and now signs"),
    SIGNING_KEY_RETIRED(3, Category.API_ACTIVITY, "An ACTIVE signing key stopped signing; its private part was erased"),
    SIGNING_KEY_DESTROYED(4, Category.API_ACTIVITY, "A RETIRED signing key left the JWKS after its last token expired"),
    SIGNING_KEY_REVOKED(4, Category.API_ACTIVITY, "An operator revoked a signing key; its tokens fail at once"),

    // --- mail-service ---
    MESSAGE_SENT(1, Category.API_ACTIVITY, "A user sent a sealed message (sender's log)"),
    MESSAGE_RECEIVED(1, Category.API_ACTIVITY, "A sealed message was delivered to a mailbox (recipient's log)"),
    MESSAGE_DELETED(4, Category.API_ACTIVITY, "A message was moved to the trash or purged"),
    MAILBOX_ACCESSED(2, Category.API_ACTIVITY, "A mailbox was listed or read: one event per actor, address, client and minute, with a count"),
    MAILBOX_ACCESS_DENIED(2, Category.API_ACTIVITY, "Someone asked for a message or mailbox that is not theirs"),

    // --- audit-service ---
    AUDIT_QUERIED(2, Category.API_ACTIVITY, "A SOC analyst searched their tenant's security events (the filters are the target)"),

    // --- key-service: passports ---
    PASSPORT_REFUSED(1, Category.AUTHENTICATION,
            "A passport request was refused, or a presented passport failed verification (reason category only)"),

    // --- gateway: sign-ins (a new session's token seen for the first time, or a token refused) ---
    SIGN_IN_SUCCEEDED(1, Category.AUTHENTICATION, "A user signed in: a new session's token was accepted, with its source address"),
    SIGN_IN_FAILED(1, Category.AUTHENTICATION, "A sign-in or token was refused, or 2FA was missing (reason category only, never the token)"),
    SESSION_ENDED(2, Category.AUTHENTICATION,
            "Keycloak ended a session (sign-out, revoked by an administrator): the gateway refuses its tokens from then on"),
    REQUEST_RATE_LIMITED(99, Category.API_ACTIVITY,
            "A client went over a gateway rate limit (the first refusal per limit, client and minute; the count follows in later ones)"),

    // --- audit-service detections (alerts; OCSF Detection Finding) ---
    ALERT_REPEATED_SIGN_IN_FAILURES(1, Category.DETECTION_FINDING,
            "Alert: 10 or more failed sign-ins within 5 minutes for one user or one source address"),
    ALERT_SIGN_IN_FROM_NEW_IP(1, Category.DETECTION_FINDING, "Alert: a user signed in from an address never seen for them before"),
    ALERT_SIGNING_KEY_ROTATION_OVERDUE(1, Category.DETECTION_FINDING,
            "Alert: a tenant's signing key was not rotated on schedule (no activation within period + grace)");

    /** The OCSF class (and its category) each event type maps to; see {@link OcsfMapping}. */
    public enum Category {
        /** OCSF Authentication (class 3002), category Identity & Access Management (3). */
        AUTHENTICATION(3002, 3),
        /** OCSF Account Change (class 3001), category Identity & Access Management (3). */
        ACCOUNT_CHANGE(3001, 3),
        /** OCSF API Activity (class 6003), category Application Activity (6). */
        API_ACTIVITY(6003, 6),
        /** OCSF Detection Finding (class 2004), category Findings (2). */
        DETECTION_FINDING(2004, 2);

        private final int ocsfClassUid;
        private final int ocsfCategoryUid;

        Category(int ocsfClassUid, int ocsfCategoryUid) {
            this.ocsfClassUid = ocsfClassUid;
            this.ocsfCategoryUid = ocsfCategoryUid;
        }

        public int ocsfClassUid() {
            return ocsfClassUid;
        }

        public int ocsfCategoryUid() {
            return ocsfCategoryUid;
        }
    }

    /**
     * OCSF activity within the class: Authentication 1 Logon; Account Change 1 Create; API Activity
     * 1 Create, 2 Read, 3 Update, 4 Delete; 99 Other in every class.
     */
    private final int ocsfActivityId;
    private final Category category;
    private final String description;

    SecurityEventType(int ocsfActivityId, Category category, String description) {
        this.ocsfActivityId = ocsfActivityId;
        this.category = category;
        this.description = description;
    }

    public int ocsfActivityId() {
        return ocsfActivityId;
    }

    public Category category() {
        return category;
    }

    public String description() {
        return description;
    }
}
