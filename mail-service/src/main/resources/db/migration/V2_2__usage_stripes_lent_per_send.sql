-- 32 usage stripes per mailbox instead of 16. The service now lends each send in flight a stripe no
-- other send of the same process holds (UsageStripes), so a stripe's row lock is waited for only
-- across replicas; that needs more stripes than one process has database connections (20).
-- Existing rows keep their stripe; the sum is unchanged.
ALTER TABLE mailbox_usage DROP CONSTRAINT mailbox_usage_stripe_check;
ALTER TABLE mailbox_usage ADD CONSTRAINT mailbox_usage_stripe_check CHECK (stripe BETWEEN 0 AND 31);
