-- A sent envelope is stored once, however many copies of it there are (the sender's sent copy and
-- one per recipient): each copy in `message` refers to it, and `copies` counts them. Before, every
-- copy held the whole envelope (~9 KB for a 4 KiB message: ML-KEM ciphertexts and an ML-DSA
-- signature), so a send to one recipient wrote it, its TOAST chunks and their index entries twice;
-- measured, that was most of the WAL of a send, and waiting for WAL flushes most of its time.
-- A copy still counts its full size against the quota of the mailbox that holds it.
CREATE TABLE sealed_envelope (
    id      UUID     PRIMARY KEY,
    copies  INTEGER  NOT NULL CHECK (copies >= 0),
    bytes   BYTEA    NOT NULL
);
-- ciphertext does not compress: store it out of line without trying to
ALTER TABLE sealed_envelope ALTER COLUMN bytes SET STORAGE EXTERNAL;

INSERT INTO sealed_envelope (id, copies, bytes) SELECT id, 1, envelope FROM message;
ALTER TABLE message ADD COLUMN envelope_id UUID;
UPDATE message SET envelope_id = id;
ALTER TABLE message ALTER COLUMN envelope_id SET NOT NULL;
-- an envelope cannot be deleted while a copy refers to it (the index makes that check cheap)
ALTER TABLE message ADD CONSTRAINT message_envelope_fkey FOREIGN KEY (envelope_id) REFERENCES sealed_envelope (id);
CREATE INDEX message_envelope ON message (envelope_id);
ALTER TABLE message DROP COLUMN envelope;
