-- Security events are written here in the same transaction as the change they describe; a relay
-- publishes them to Kafka (topic security-events). See docs/architecture.md "Events".
-- Migrations shared by every service live in db/common and use versions 1.x;
-- a service's own migrations live in its db/migration and start at 2.0.
CREATE TABLE outbox_event (
    id           UUID PRIMARY KEY,
    partition_key VARCHAR(300) NOT NULL,
    event_type   VARCHAR(100) NOT NULL,
    payload      JSONB        NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ
);

-- the relay reads the oldest unpublished events first
CREATE INDEX outbox_event_unpublished ON outbox_event (created_at) WHERE published_at IS NULL;
