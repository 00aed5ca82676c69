-- A mailbox's usage is kept in 16 counter stripes instead of one column. Every send adds to the
-- usage of the sender's and each recipient's mailbox; with a single counter row, all concurrent
-- sends to one mailbox queued on that row's lock (measured: half the send rate). A send adds to
-- one random stripe; usage is the sum of the stripes. A stripe may go below zero (a purge subtracts
-- from any stripe); only the sum is meaningful.
CREATE TABLE mailbox_usage (
    mailbox_id  UUID      NOT NULL REFERENCES mailbox (id),
    stripe      SMALLINT  NOT NULL CHECK (stripe BETWEEN 0 AND 15),
    bytes       BIGINT    NOT NULL,
    PRIMARY KEY (mailbox_id, stripe)
);
INSERT INTO mailbox_usage (mailbox_id, stripe, bytes) SELECT id, 0, used_bytes FROM mailbox WHERE used_bytes <> 0;
ALTER TABLE mailbox DROP COLUMN used_bytes;
