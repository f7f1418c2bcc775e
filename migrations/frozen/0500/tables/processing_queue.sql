-- processing_queue: one row per crash waiting to be processed. The collector inserts accepted
-- crashes (save_raw_crash, in the same transaction as the raw crash); the webapp and admin
-- tools insert priority and reprocessing requests (queue_crash_processing); processors claim
-- rows (processing_queue_claim: claimed_by, claimed_at, lease_expires, attempts) and delete
-- them in the transaction that writes the processed rows (save_processed_crash). A claim whose
-- lease has expired (its processor died) may be claimed again.
-- Every insert notifies channel crashstats_processing_queue with the crash ID as payload.
CREATE TABLE processing_queue (
    crash_id uuid PRIMARY KEY,
    priority smallint NOT NULL DEFAULT 2,
    queued_at timestamptz NOT NULL DEFAULT now(),
    claimed_by text,
    claimed_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    lease_expires timestamptz,
    last_error text,
    CONSTRAINT processing_queue_priority_check CHECK (priority IN (0, 1, 2)),
    CONSTRAINT processing_queue_attempts_check CHECK (attempts >= 0),
    CONSTRAINT processing_queue_claim_check CHECK ((claimed_by IS NULL) = (claimed_at IS NULL)),
    CONSTRAINT processing_queue_lease_check CHECK ((claimed_at IS NULL) = (lease_expires IS NULL))
);
CREATE INDEX processing_queue_serve_idx ON processing_queue (priority, queued_at);
CREATE TRIGGER processing_queue_notify
    AFTER INSERT ON processing_queue
    FOR EACH ROW EXECUTE FUNCTION processing_queue_notify();
COMMENT ON TABLE processing_queue IS 'Crashes waiting to be processed: priority 0 = priority (webapp request), 1 = reprocessing, 2 = normal (collector); lower is served first, then oldest queued_at. claimed_by/claimed_at/lease_expires/attempts/last_error belong to the processor; a row queued again while claimed gets a queued_at after its claimed_at and stays for another round. Inserts NOTIFY crashstats_processing_queue (payload: the crash ID).';
COMMENT ON COLUMN processing_queue.lease_expires IS 'When the claim lapses: a processor renews it while it works; after it, any processor may claim the crash again (stalled-claim recovery).';
COMMENT ON COLUMN processing_queue.last_error IS 'Why the last attempt gave the crash back (dump store or database failure), for operators.';
