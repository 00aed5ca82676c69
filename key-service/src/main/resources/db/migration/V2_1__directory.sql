-- Key directory (key-service): who owns an address, every version of every bundle, the transparency
-- log over them, signed tree heads, and passphrase-wrapped key backups. docs/key-service.md.

-- an address is bound to the first subject that publishes for it, within the address's tenant
CREATE TABLE address_owner (
    address        VARCHAR(254) PRIMARY KEY,
    tenant         VARCHAR(63)  NOT NULL,
    owner_subject  VARCHAR(64)  NOT NULL,
    bound_at       TIMESTAMPTZ  NOT NULL
);

CREATE TABLE key_bundle (
    address       VARCHAR(254) NOT NULL REFERENCES address_owner (address),
    version       BIGINT       NOT NULL CHECK (version >= 1),
    bundle        BYTEA        NOT NULL,
    fingerprint   BYTEA        NOT NULL CHECK (length(fingerprint) = 32),
    tenant        VARCHAR(63)  NOT NULL,
    leaf_index    BIGINT       NOT NULL,
    logged_at_ms  BIGINT       NOT NULL,
    PRIMARY KEY (address, version)
);

-- the log: leaf i of a tenant's tree is (address, version, fingerprint, logged_at_ms)
CREATE TABLE log_entry (
    tenant        VARCHAR(63)  NOT NULL,
    leaf_index    BIGINT       NOT NULL CHECK (leaf_index >= 0),
    address       VARCHAR(254) NOT NULL,
    version       BIGINT       NOT NULL,
    fingerprint   BYTEA        NOT NULL CHECK (length(fingerprint) = 32),
    logged_at_ms  BIGINT       NOT NULL,
    PRIMARY KEY (tenant, leaf_index)
);

CREATE TABLE tree_head (
    id            BIGSERIAL    PRIMARY KEY,
    tenant        VARCHAR(63)  NOT NULL,
    tree_size     BIGINT       NOT NULL CHECK (tree_size >= 0),
    timestamp_ms  BIGINT       NOT NULL,
    root_hash     BYTEA        NOT NULL CHECK (length(root_hash) = 32),
    kid           VARCHAR(64)  NOT NULL,
    signature     BYTEA        NOT NULL CHECK (length(signature) = 64)
);
CREATE INDEX tree_head_latest ON tree_head (tenant, id DESC);

CREATE TABLE key_backup (
    owner_subject VARCHAR(64)  PRIMARY KEY,
    tenant        VARCHAR(63)  NOT NULL,
    blob          BYTEA        NOT NULL,
    updated_at    TIMESTAMPTZ  NOT NULL
);

-- Append-only, enforced by the database: the application role (which owns these tables, since
-- Flyway runs as it) gives up UPDATE, DELETE and TRUNCATE, and a trigger refuses them regardless.
REVOKE UPDATE, DELETE, TRUNCATE ON log_entry, tree_head, key_bundle FROM CURRENT_USER;

CREATE FUNCTION refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the key directory log is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER log_entry_append_only BEFORE UPDATE OR DELETE ON log_entry
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER log_entry_no_truncate BEFORE TRUNCATE ON log_entry
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER tree_head_append_only BEFORE UPDATE OR DELETE ON tree_head
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER tree_head_no_truncate BEFORE TRUNCATE ON tree_head
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_change();
CREATE TRIGGER key_bundle_append_only BEFORE UPDATE OR DELETE ON key_bundle
    FOR EACH ROW EXECUTE FUNCTION refuse_log_change();
