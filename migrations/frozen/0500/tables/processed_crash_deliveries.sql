-- processed_crash_deliveries: processed crashes still to be sent to an optional crash store
-- (Elasticsearch, the filesystem, S3). save_processed_crash inserts one row per configured
-- optional destination in the transaction that commits the PostgreSQL rows; the processor
-- deletes it once the destination has the crash; a failure is recorded here and the
-- processor-retry-failed job (crashstats processor --retry-failed) sends it again.
CREATE TABLE processed_crash_deliveries (
    crash_id uuid NOT NULL,
    destination text NOT NULL,
    date_processed timestamptz NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    last_attempt_at timestamptz,
    last_error text,
    PRIMARY KEY (crash_id, destination),
    CONSTRAINT processed_crash_deliveries_attempts_check CHECK (attempts >= 0)
);
CREATE INDEX processed_crash_deliveries_due_idx ON processed_crash_deliveries (next_attempt_at);
COMMENT ON TABLE processed_crash_deliveries IS 'Processed crashes an optional crash store (destination = elasticsearch, filesystem, s3) does not have yet: written with the PostgreSQL rows, deleted on delivery, retried with backoff after a failure (last_error). Nothing here means every destination has every crash.';
