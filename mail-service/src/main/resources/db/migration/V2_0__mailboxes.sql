-- Mailboxes of ciphertext (mail-service). Nothing here holds a plaintext subject or body: a message
-- is the sealed envelope from libs/crypto as opaque bytes plus the routing metadata the server needs.
CREATE TABLE mailbox (
    id             UUID         PRIMARY KEY,
    tenant         VARCHAR(63)  NOT NULL,
    owner_subject  VARCHAR(64)  NOT NULL,
    address        VARCHAR(254) NOT NULL UNIQUE,
    quota_bytes    BIGINT       NOT NULL CHECK (quota_bytes > 0),
    used_bytes     BIGINT       NOT NULL DEFAULT 0 CHECK (used_bytes >= 0),
    created_at     TIMESTAMPTZ  NOT NULL,
    UNIQUE (tenant, owner_subject)
);

CREATE TABLE folder (
    id          UUID         PRIMARY KEY,
    mailbox_id  UUID         NOT NULL REFERENCES mailbox (id),
    name        VARCHAR(64)  NOT NULL,
    kind        VARCHAR(16)  NOT NULL CHECK (kind IN ('INBOX', 'SENT', 'DRAFTS', 'TRASH', 'ARCHIVE', 'USER')),
    UNIQUE (mailbox_id, name)
);

CREATE TABLE message (
    id                  UUID           PRIMARY KEY,
    mailbox_id          UUID           NOT NULL REFERENCES mailbox (id),
    folder_id           UUID           NOT NULL REFERENCES folder (id),
    envelope            BYTEA          NOT NULL,
    size_bytes          BIGINT         NOT NULL CHECK (size_bytes > 0),
    sender_address      VARCHAR(254)   NOT NULL,
    recipient_addresses VARCHAR(254)[] NOT NULL,
    sent_at             TIMESTAMPTZ    NOT NULL,
    received_at         TIMESTAMPTZ    NOT NULL,
    seen                BOOLEAN        NOT NULL DEFAULT false,
    flagged             BOOLEAN        NOT NULL DEFAULT false,
    trashed_at          TIMESTAMPTZ
);
-- folder listing, newest first, keyset pagination on (received_at, id)
CREATE INDEX message_listing ON message (folder_id, received_at DESC, id DESC);
-- trash retention finds old trash without scanning mailboxes
CREATE INDEX message_trashed ON message (trashed_at) WHERE trashed_at IS NOT NULL;

-- a retried send with the same Idempotency-Key returns the first result and changes nothing
CREATE TABLE send_request (
    mailbox_id       UUID          NOT NULL REFERENCES mailbox (id),
    idempotency_key  VARCHAR(128)  NOT NULL,
    sent_message_id  UUID          NOT NULL,
    created_at       TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (mailbox_id, idempotency_key)
);
