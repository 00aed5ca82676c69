-- The source address as PostgreSQL's inet, for CIDR filters (GET /api/audit/events?ip=10.0.0.0/8).
-- source_ip keeps whatever the producer reported (shown as is); source_inet is set only when that
-- is a valid IP literal (checked by audit-service before the insert), so a bad value never makes a
-- query fail.
ALTER TABLE audit_event ADD COLUMN source_inet INET;

DROP FUNCTION append_audit_event(UUID, TIMESTAMPTZ, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, JSONB);
CREATE FUNCTION append_audit_event(p_id UUID, p_time TIMESTAMPTZ, p_tenant VARCHAR, p_type VARCHAR, p_outcome VARCHAR,
        p_actor_issuer VARCHAR, p_actor_subject VARCHAR, p_actor_address VARCHAR, p_owner_subject VARCHAR, p_source_ip VARCHAR,
        p_service VARCHAR, p_payload JSONB, p_source_inet INET) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
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
            source_ip, service, payload, seq, prev_hash, hash, source_inet)
        VALUES (p_id, p_time, p_tenant, p_type, p_outcome, p_actor_issuer, p_actor_subject, p_actor_address, p_owner_subject,
            p_source_ip, p_service, p_payload, head_seq + 1, head_hash, new_hash, p_source_inet);
    UPDATE audit_chain_head SET seq = head_seq + 1, hash = new_hash WHERE tenant = p_tenant;
    RETURN TRUE;
END;
$$;
