-- Security events as the audit service stores them (audit-service). Partitioned by month so that
-- retention drops whole partitions instead of deleting rows; PartitionMaintenance creates the
-- months ahead and drops expired ones. The primary key includes the time because a partitioned
-- table's unique keys must: a redelivered event has the same id and time, so it is a conflict.
CREATE TABLE audit_event (
    id             UUID          NOT NULL,
    occurred_at    TIMESTAMPTZ   NOT NULL,
    tenant         VARCHAR(63)   NOT NULL,
    type           VARCHAR(64)   NOT NULL,
    outcome        VARCHAR(16)   NOT NULL,
    actor_issuer   VARCHAR(512)  NOT NULL,
    actor_subject  VARCHAR(512)  NOT NULL,
    actor_address  VARCHAR(512),
    owner_subject  VARCHAR(512),
    source_ip      VARCHAR(64),
    service        VARCHAR(64)   NOT NULL,
    payload        JSONB         NOT NULL,
    stored_at      TIMESTAMPTZ   NOT NULL DEFAULT now(),
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- events with a time outside every monthly partition still land somewhere
CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT;

CREATE INDEX audit_event_by_actor ON audit_event (tenant, actor_subject, occurred_at DESC, id DESC);
CREATE INDEX audit_event_by_owner ON audit_event (tenant, owner_subject, occurred_at DESC, id DESC);
CREATE INDEX audit_event_by_type ON audit_event (tenant, type, occurred_at DESC, id DESC);

-- the record is not edited: the application role gives up UPDATE and DELETE (retention drops partitions)
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM CURRENT_USER;
