-- processing_queue: one row per crash waiting to be processed. The collector inserts accepted
-- crashes (save_raw_crash, in the same transaction as the raw crash); the webapp and admin
-- tools insert priority and reprocessing requests; processors claim rows (claimed_by,
-- claimed_at, attempts) and delete them once the processed rows have committed.
-- Every insert notifies channel crashstats_processing_queue with the crash ID as payload.
CREATE TABLE processing_queue (
    crash_id uuid PRIMARY KEY,
    priority smallint NOT NULL DEFAULT 2,
    queued_at timestamptz NOT NULL DEFAULT now(),
    claimed_by text,
    claimed_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    CONSTRAINT processing_queue_priority_check CHECK (priority IN (0, 1, 2)),
    CONSTRAINT processing_queue_attempts_check CHECK (attempts >= 0),
    CONSTRAINT processing_queue_claim_check CHECK ((claimed_by IS NULL) = (claimed_at IS NULL))
);
CREATE INDEX processing_queue_serve_idx ON processing_queue (priority, queued_at);
CREATE TRIGGER processing_queue_notify
    AFTER INSERT ON processing_queue
    FOR EACH ROW EXECUTE FUNCTION processing_queue_notify();
COMMENT ON TABLE processing_queue IS 'Crashes waiting to be processed: priority 0 = priority (webapp request), 1 = reprocessing, 2 = normal (collector); lower is served first, then oldest queued_at. claimed_by/claimed_at/attempts belong to the processor. Inserts NOTIFY crashstats_processing_queue (payload: the crash ID).';
