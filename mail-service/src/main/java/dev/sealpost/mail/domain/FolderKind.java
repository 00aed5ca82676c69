package dev.sealpost.mail.domain;

import java.util.Locale;

/** The folders every mailbox has, plus user folders. */
public enum FolderKind {
    INBOX, SENT, DRAFTS, TRASH, ARCHIVE, USER;

    /** The standard folders, created with the mailbox; their name is the lower-case kind. */
    public static final FolderKind[] STANDARD = {INBOX, SENT, DRAFTS, TRASH, ARCHIVE};

    public String standardName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
