-- processing_queue_claim(p_worker text, p_limit integer DEFAULT 1,
--                        p_lease interval DEFAULT '5 minutes', p_crash_ids uuid[] DEFAULT NULL)
--   -> TABLE(crash_id, priority, attempts, queued_at, claimed_at, raw_crash, raw_date,
--            previous_notes, previous_started, json_dump)
-- Claims up to p_limit queued crashes for processor p_worker: priority 0 before reprocessing
-- (1) before normal (2), oldest first, skipping rows other workers hold (FOR UPDATE SKIP
-- LOCKED) and claims that are still leased; a claim whose lease has expired (its worker died
-- or hangs) is taken over. Each row gets claimed_by = p_worker, claimed_at = now (the claim
-- token, shared by the batch), lease_expires = now + p_lease, attempts + 1, and is returned
-- with the raw crash and its raw_crashes date (NULL when the raw crash is gone: the caller
-- discards the row), the raw crash's json_dump as JSON text (NULL when it has none) and the notes and start time of an earlier processing (reports), for
-- the "earlier processing" processor note. p_crash_ids limits the claim to those crashes
-- (crashstats processor --crash-id). Also refreshes the worker's processors.last_seen_at.
-- The raw crash and earlier notes come from processing_queue_crash (partitions pruned by the
-- crash ID's day).
-- Callers: processor workers (commit right after: the claim is the committed row). Rerun-safe:
-- a second call claims other rows.
CREATE OR REPLACE FUNCTION processing_queue_claim(
    p_worker text,
    p_limit integer DEFAULT 1,
    p_lease interval DEFAULT '5 minutes',
    p_crash_ids uuid[] DEFAULT NULL
)
RETURNS TABLE (crash_id uuid, priority smallint, attempts integer, queued_at timestamptz,
               claimed_at timestamptz, raw_crash jsonb, raw_date timestamptz,
               previous_notes text, previous_started timestamptz, json_dump text)
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
#variable_conflict use_column
DECLARE
    v_now timestamptz := clock_timestamp();
BEGIN
    IF p_worker IS NULL OR p_limit IS NULL OR p_limit < 1 OR p_lease IS NULL OR p_lease <= interval '0' THEN
        RAISE EXCEPTION 'processing_queue_claim: worker, a limit of 1 or more and a positive lease are required (got %, %, %)',
                        p_worker, p_limit, p_lease
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'processing_queue_claim(''host:1234:0'', 8, ''5 minutes'')';
    END IF;
    UPDATE processors SET last_seen_at = v_now WHERE name = p_worker;
    RETURN QUERY
    WITH picked AS (
        SELECT q.crash_id
          FROM processing_queue q
         WHERE (q.claimed_by IS NULL OR q.lease_expires <= v_now)
           AND (p_crash_ids IS NULL OR q.crash_id = ANY (p_crash_ids))
         ORDER BY q.priority, q.queued_at
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED
    ), claimed AS (
        UPDATE processing_queue q
           SET claimed_by = p_worker, claimed_at = v_now, lease_expires = v_now + p_lease,
               attempts = q.attempts + 1
          FROM picked
         WHERE q.crash_id = picked.crash_id
        RETURNING q.crash_id, q.priority, q.attempts, q.queued_at, q.claimed_at
    )
    SELECT c.crash_id, c.priority, c.attempts, c.queued_at, c.claimed_at,
           d.raw_crash, d.raw_date, d.previous_notes, d.previous_started, d.json_dump
      FROM claimed c
      CROSS JOIN LATERAL processing_queue_crash(c.crash_id) d
     ORDER BY c.priority, c.queued_at;
END;
$$;
COMMENT ON FUNCTION processing_queue_claim(text, integer, interval, uuid[]) IS
'Claims up to p_limit queued crashes (priority, reprocessing, normal; oldest first; SKIP LOCKED; expired leases taken over) for a processor worker and returns them with their raw crash and earlier processing notes. Called by processor workers; rerun-safe.';
