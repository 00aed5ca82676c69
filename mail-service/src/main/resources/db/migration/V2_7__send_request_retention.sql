-- Idempotency-Keys are kept for a day (SEALPOST_MAIL_IDEMPOTENCY_KEY_RETENTION), then purged in
-- batches, oldest first: this index is what the purge walks.
CREATE INDEX send_request_created ON send_request (created_at);
