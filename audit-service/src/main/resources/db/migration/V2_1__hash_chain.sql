-- Tamper evidence: a hash chain per tenant. Row n holds seq n, the hash of row n-1 (32 zero bytes
-- before the first) and SHA-256(prev_hash || its payload as PostgreSQL's canonical jsonb text).
-- Changing, deleting or reordering a row breaks the chain at that position (GET /api/audit/verify).
ALTER TABLE audit_event ADD COLUMN seq BIGINT, ADD COLUMN prev_hash BYTEA, ADD COLUMN hash BYTEA;
CREATE INDEX audit_event_chain ON audit_event (tenant, seq);

CREATE TABLE audit_chain_head (
    tenant  VARCHAR(63) PRIMARY KEY,
    seq     BIGINT      NOT NULL,
    hash    BYTEA       NOT NULL CHECK (length(hash) = 32)
);

-- Appends one event to its tenant's chain; a redelivered event (same id and time) is skipped.
-- The head row lock serialises appends per tenant, so the duplicate check and the chain are exact.
CREATE FUNCTION append_audit_event(p_id UUID, p_time TIMESTAMPTZ, p_tenant VARCHAR, p_type VARCHAR, p_outcome VARCHAR,
        p_actor_issuer VARCHAR, p_actor_subject VARCHAR, p_actor_address VARCHAR, p_owner_subject VARCHAR, p_source_ip VARCHAR,
        p_service VARCHAR, p_payload JSONB) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
DECLARE
    head_seq  BIGINT;
    head_hash BYTEA;
    new_hash  BYTEA;
BEGIN
    INSERT INTO audit_chain_head (tenant, seq, hash) VALUES (p_tenant, 0, '\x0000000000000000000000000000000000000000000000000000000000000000')
        ON CONFLICT (tenant) DO NOTHING;
    SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_head WHERE tenant = p_tenant FOR UPDATE;
    IF EXISTS (SELECT 1 FROM audit_event WHERE id = p_id AND occurred_at = p_time) THEN
        RETURN FALSE;
    END IF;
    new_hash := sha256(head_hash || convert_to(p_payload::text, 'UTF8'));
    INSERT INTO audit_event (id, occurred_at, tenant, type, outcome, actor_issuer, actor_subject, actor_address, owner_subject,
            source_ip, service, payload, seq, prev_hash, hash)
        VALUES (p_id, p_time, p_tenant, p_type, p_outcome, p_actor_issuer, p_actor_subject, p_actor_address, p_owner_subject,
            p_source_ip, p_service, p_payload, head_seq + 1, head_hash, new_hash);
    UPDATE audit_chain_head SET seq = head_seq + 1, hash = new_hash WHERE tenant = p_tenant;
    RETURN TRUE;
END;
$$;
