-- Which events still wait for Kafka is now a table of their ids, not a column of the event.
-- Marking an event published used to rewrite its whole row (UPDATE ... SET published_at), a new
-- ~1 KB row version and index entry per event that was never HOT (the partial index read that
-- column), then vacuumed: about a sixth of mail-service's WAL per send. Now the relay deletes the
-- id from outbox_pending (a few dozen bytes of WAL) and the event row is never changed; it stays
-- as a short history until OutboxRetention deletes it.
-- No foreign key to outbox_event: both rows are written by one statement (Outbox), and a key check
-- would lock the event row (more WAL) on every send.
-- Applied after the services' own 2.x migrations in databases made before it (flyway out-of-order):
-- it touches only the outbox tables, which those never do.
CREATE TABLE outbox_pending (
    id UUID PRIMARY KEY
);

INSERT INTO outbox_pending (id) SELECT id FROM outbox_event WHERE published_at IS NULL;

DROP INDEX outbox_event_unpublished;
ALTER TABLE outbox_event DROP COLUMN published_at;
