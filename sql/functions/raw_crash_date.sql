-- raw_crash_date(p_crash_id uuid) -> timestamptz
-- The date_processed (submission time) of a crash's raw_crashes row, or NULL when the raw
-- crash is not stored (never received, or truncated away). Reads the partitions from the
-- crash ID's day on first, the older ones only when nothing was found there; planned for each
-- call (force_custom_plan), so the crash ID's day prunes the partitions at planning.
-- Callers: request_priority_processing, queue_reprocessing. Read-only; rerun-safe.
CREATE OR REPLACE FUNCTION raw_crash_date(p_crash_id uuid)
RETURNS timestamptz
LANGUAGE plpgsql STABLE
SET "TimeZone" TO 'UTC'
SET plan_cache_mode TO force_custom_plan
AS $$
DECLARE
    v_since timestamptz := crash_id_date(p_crash_id) - 1;  -- timestamptz: prunes (a date would not)
    v_date  timestamptz;
BEGIN
    SELECT rc.date_processed INTO v_date FROM raw_crashes rc
     WHERE rc.uuid = p_crash_id AND rc.date_processed >= v_since
     LIMIT 1;
    IF NOT FOUND THEN
        SELECT rc.date_processed INTO v_date FROM raw_crashes rc WHERE rc.uuid = p_crash_id LIMIT 1;
    END IF;
    RETURN v_date;
END;
$$;
COMMENT ON FUNCTION raw_crash_date(uuid) IS
'The submission time (raw_crashes.date_processed) of a stored raw crash, or NULL. Read-only.';
