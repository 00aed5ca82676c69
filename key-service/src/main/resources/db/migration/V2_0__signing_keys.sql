-- Signing keys per tenant and purpose (key-service). Lifecycle: PENDING -> ACTIVE -> RETIRED -> DESTROYED,
-- or REVOKED at any point by an operator. docs/key-service.md explains each state.
CREATE TABLE signing_key (
    kid                VARCHAR(64)  PRIMARY KEY,
    tenant             VARCHAR(63)  NOT NULL,
    purpose            VARCHAR(20)  NOT NULL,
    algorithm          VARCHAR(20)  NOT NULL,
    state              VARCHAR(12)  NOT NULL CHECK (state IN ('PENDING', 'ACTIVE', 'RETIRED', 'DESTROYED', 'REVOKED')),
    public_key         BYTEA        NOT NULL,
    -- AES-256-GCM under the key-encryption key named by kek_id; erased (NULL) once the key stops signing
    private_key_sealed BYTEA,
    kek_id             VARCHAR(64),
    created_at         TIMESTAMPTZ  NOT NULL,
    activated_at       TIMESTAMPTZ,
    retired_at         TIMESTAMPTZ,
    destroy_after      TIMESTAMPTZ,
    destroyed_at       TIMESTAMPTZ,
    revoked_at         TIMESTAMPTZ,
    -- only a key that may still sign holds a private part
    CONSTRAINT private_part_only_while_usable
        CHECK ((state IN ('PENDING', 'ACTIVE')) = (private_key_sealed IS NOT NULL AND kek_id IS NOT NULL))
);

-- at most one signing and one waiting key per tenant and purpose
CREATE UNIQUE INDEX signing_key_one_active ON signing_key (tenant, purpose) WHERE state = 'ACTIVE';
CREATE UNIQUE INDEX signing_key_one_pending ON signing_key (tenant, purpose) WHERE state = 'PENDING';
CREATE INDEX signing_key_published ON signing_key (tenant, purpose) WHERE state IN ('PENDING', 'ACTIVE', 'RETIRED');
