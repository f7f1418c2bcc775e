-- live_crash_is_gc(p_uuid text, p_date_processed timestamptz) -> boolean
-- Whether the crash was garbage collecting (IsGarbageCollecting = '1'), from raw_crash_fields
-- rows of the crash on the UTC day of p_date_processed: what update_tcbs counts as is_gc.
-- Callers: update_reports_live (the rows of live_delta). Read-only.
CREATE OR REPLACE FUNCTION live_crash_is_gc(p_uuid text, p_date_processed timestamptz)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET "TimeZone" TO 'UTC'
AS $$
    SELECT EXISTS (
        SELECT 1 FROM raw_crash_fields f
         WHERE f.uuid = p_uuid AND f.is_garbage_collecting
           AND f.date_processed >= date_trunc('day', p_date_processed)
           AND f.date_processed < date_trunc('day', p_date_processed) + interval '1 day');
$$;
COMMENT ON FUNCTION live_crash_is_gc(text, timestamptz) IS
'True when raw_crash_fields says the crash was garbage collecting on the UTC day of its date_processed (update_tcbs''s is_gc). update_reports_live; read-only.';
