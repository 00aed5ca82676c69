-- What an Idempotency-Key was used for: SHA-256 of the send's recipients and envelope bytes.
-- A retry must be the same request; a key used again for another message is refused (409) instead
-- of answering "already sent" for a message that never was. Rows written before this migration
-- have none and are answered as before.
ALTER TABLE send_request ADD COLUMN request_digest BYTEA;
