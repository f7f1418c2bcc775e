-- save_collected_crash(p_crash_id uuid, p_raw_crash jsonb, p_submitted timestamptz,
--                      p_queue boolean, p_digest bytea, p_window interval) -> uuid
-- The collector's write: stores a raw crash at most once per report. When a report with the
-- same digest (sha256 of its dumps and annotations as sent) was stored less than p_window
-- before p_submitted and its raw crash is still there, nothing is written and that first
-- crash ID is returned (the caller answers it and removes the dumps it just wrote);
-- otherwise the digest is recorded with p_crash_id in collector_submissions, the raw crash
-- saved and queued by save_raw_crash() (same transaction), and p_crash_id returned.
-- Concurrent reports with one digest are serialised by an advisory lock, so two copies in
-- flight at once still store one crash. Each call also purges up to 10 digests past the
-- window. p_digest NULL (or p_window not positive) stores without a digest, as
-- save_raw_crash().
-- Callers: the collector (pyapp.rawcrash.save_crash). Rerun-safe: a rerun returns the first
-- crash ID and writes nothing.
CREATE OR REPLACE FUNCTION save_collected_crash(
    p_crash_id uuid,
    p_raw_crash jsonb,
    p_submitted timestamptz,
    p_queue boolean,
    p_digest bytea,
    p_window interval
)
RETURNS uuid
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_first uuid;
BEGIN
    IF p_crash_id IS NULL OR p_submitted IS NULL THEN
        RAISE EXCEPTION 'save_collected_crash: crash id and submission time are required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_digest IS NULL OR p_window IS NULL OR p_window <= interval '0' THEN
        PERFORM save_raw_crash(p_crash_id, p_raw_crash, p_submitted, p_queue);
        RETURN p_crash_id;
    END IF;
    IF octet_length(p_digest) <> 32 THEN
        RAISE EXCEPTION 'save_collected_crash: the digest of % is % bytes, not a sha256',
                        p_crash_id, octet_length(p_digest)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'pass the 32-byte sha256 of the report (web/collector.py submission_digest)';
    END IF;

    PERFORM pg_advisory_xact_lock(hashtextextended('crashstats.submission:' || encode(p_digest, 'hex'), 0));
    SELECT cs.crash_id INTO v_first FROM collector_submissions cs
     WHERE cs.digest = p_digest AND cs.received > p_submitted - p_window;
    IF FOUND AND v_first <> p_crash_id AND raw_crash_date(v_first) IS NOT NULL THEN
        RETURN v_first;
    END IF;

    INSERT INTO collector_submissions (digest, crash_id, received)
    VALUES (p_digest, p_crash_id, p_submitted)
    ON CONFLICT (digest) DO UPDATE SET crash_id = EXCLUDED.crash_id, received = EXCLUDED.received;
    DELETE FROM collector_submissions
     WHERE digest IN (SELECT cs.digest FROM collector_submissions cs
                       WHERE cs.received <= p_submitted - p_window
                       ORDER BY cs.received
                       LIMIT 10
                       FOR UPDATE SKIP LOCKED);

    PERFORM save_raw_crash(p_crash_id, p_raw_crash, p_submitted, p_queue);
    RETURN p_crash_id;
END;
$$;
COMMENT ON FUNCTION save_collected_crash(uuid, jsonb, timestamptz, boolean, bytea, interval) IS
'The collector''s write: stores and queues a raw crash (save_raw_crash) unless the same report (digest of dumps and annotations) was stored within p_window, in which case nothing is written and the first crash ID returned. Returns the crash ID the report has. Rerun-safe.';
