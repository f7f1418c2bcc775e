-- raw_crash_date(p_crash_id uuid) -> timestamptz
-- The date_processed (submission time) of a crash's raw_crashes row, or NULL when the raw
-- crash is not stored (never received, or truncated away). Reads the partitions from the
-- crash ID's day on first, the older ones only when nothing was found there.
-- Callers: request_priority_processing, queue_reprocessing. Read-only; rerun-safe.
CREATE OR REPLACE FUNCTION raw_crash_date(p_crash_id uuid)
RETURNS timestamptz
LANGUAGE sql STABLE
SET "TimeZone" TO 'UTC'
AS $$
    SELECT d FROM (
        (SELECT rc.date_processed AS d FROM raw_crashes rc
          WHERE rc.uuid = p_crash_id AND rc.date_processed >= crash_id_date(p_crash_id) - 1
          LIMIT 1)
        UNION ALL
        (SELECT rc.date_processed FROM raw_crashes rc
          WHERE rc.uuid = p_crash_id
            AND (rc.date_processed < crash_id_date(p_crash_id) - 1 OR crash_id_date(p_crash_id) IS NULL)
          LIMIT 1)
        LIMIT 1
    ) found;
$$;
COMMENT ON FUNCTION raw_crash_date(uuid) IS
'The submission time (raw_crashes.date_processed) of a stored raw crash, or NULL. Read-only.';
