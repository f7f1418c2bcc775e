-- processing_queue_crash(p_crash_id uuid)
--   -> TABLE(raw_crash jsonb, raw_date timestamptz, previous_notes text, previous_started timestamptz,
--            json_dump text)
-- What a processor needs besides the queue row: the raw crash and its raw_crashes date (no row
-- when the raw crash is not stored), the raw crash's json_dump text (NULL when it has none), and the notes and start time of an earlier processing
-- (reports; NULL when there was none). Look-ups by uuid read the partitions from the crash
-- ID's day on (crash_id_date), then the older ones only when nothing was found there. One
-- cached generic plan (plan_cache_mode force_generic_plan) whose partitions are pruned when
-- it starts (run-time pruning on the bound): planning each call to prune at planning cost
-- ~0.5-0.7 ms of CPU a crash with a year of weekly partitions, the generic plan ~0.05-0.1 ms
-- (tests/bench/processor, issue 5).
-- Callers: processing_queue_claim. Read-only; rerun-safe.
CREATE OR REPLACE FUNCTION processing_queue_crash(p_crash_id uuid)
RETURNS TABLE (raw_crash jsonb, raw_date timestamptz, previous_notes text, previous_started timestamptz,
               json_dump text)
LANGUAGE plpgsql STABLE
SET "TimeZone" TO 'UTC'
SET plan_cache_mode TO force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
    -- a timestamptz bound (a date would compare across types and prune nothing)
    v_since    timestamptz := crash_id_date(p_crash_id) - 1;
    v_raw      jsonb;
    v_date     timestamptz;
    v_notes    text;
    v_started  timestamptz;
    v_dump     text;
BEGIN
    SELECT rc.raw_crash, rc.date_processed, rc.json_dump INTO v_raw, v_date, v_dump
      FROM raw_crashes rc
     WHERE rc.uuid = p_crash_id AND rc.date_processed >= v_since
     LIMIT 1;
    IF NOT FOUND THEN
        SELECT rc.raw_crash, rc.date_processed, rc.json_dump INTO v_raw, v_date, v_dump
          FROM raw_crashes rc
         WHERE rc.uuid = p_crash_id
         LIMIT 1;
    END IF;
    SELECT r.processor_notes, r.started_datetime INTO v_notes, v_started
      FROM reports r
     WHERE r.uuid = p_crash_id::text AND r.date_processed >= v_since
     LIMIT 1;
    RETURN QUERY SELECT v_raw, v_date, v_notes, v_started, v_dump;
END;
$$;
COMMENT ON FUNCTION processing_queue_crash(uuid) IS
'The raw crash (and its stored date) and the earlier processing notes of a crash, for processing_queue_claim; pruned to the partitions from the crash ID''s day on. Read-only.';
