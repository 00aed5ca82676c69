-- Checkpoints of each tenant's hash chain, signed by key-service with the tenant's audit key
-- (AuditCheckpoint in libs/crypto). A rewrite of the record that recomputes every hash still
-- differs from the hash key-service signed; /api/audit/verify checks both.
CREATE TABLE audit_checkpoint (
    tenant        VARCHAR(63)  NOT NULL,
    position      BIGINT       NOT NULL CHECK (position > 0),
    timestamp_ms  BIGINT       NOT NULL,
    chain_hash    BYTEA        NOT NULL CHECK (length(chain_hash) = 32),
    kid           VARCHAR(128) NOT NULL,
    signature     BYTEA        NOT NULL CHECK (length(signature) = 64),
    PRIMARY KEY (tenant, position)
);
REVOKE UPDATE, DELETE, TRUNCATE ON audit_checkpoint FROM CURRENT_USER;
