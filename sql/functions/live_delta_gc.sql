-- live_delta_gc(p_sign integer) -> integer
-- Sets is_gc on the rows of update_reports_live's temporary table live_delta with sign p_sign
-- (-1: as the crashes counted before, read before they are normalised again; +1: as now): true when the crash's raw_crash_fields row says it was
-- garbage collecting (IsGarbageCollecting = '1'), what update_tcbs counts as is_gc. The raw
-- crash is looked for between the first and the last date_processed of those rows (a crash's
-- raw and processed rows share it), so raw_crash_fields, which has no index on uuid, is read
-- over that span only (its BRIN index). Returns the rows marked.
-- Callers: update_reports_live, after each insert into live_delta. Rerun-safe.
CREATE OR REPLACE FUNCTION live_delta_gc(p_sign integer)
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_first timestamptz;
    v_last  timestamptz;
    v_rows  integer;
BEGIN
    SELECT min(d.date_processed), max(d.date_processed) INTO v_first, v_last FROM live_delta d WHERE d.sign = p_sign;
    IF v_first IS NULL THEN
        RETURN 0;
    END IF;
    UPDATE live_delta d SET is_gc = true
      FROM raw_crash_fields f
     WHERE d.sign = p_sign AND f.uuid = d.uuid AND f.is_garbage_collecting
       AND f.date_processed >= v_first AND f.date_processed <= v_last
       AND f.date_processed >= date_trunc('day', d.date_processed)
       AND f.date_processed < date_trunc('day', d.date_processed) + interval '1 day';
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END;
$$;
COMMENT ON FUNCTION live_delta_gc(integer) IS
'Marks the rows of update_reports_live''s live_delta (of one sign) whose crash was garbage collecting (raw_crash_fields.is_garbage_collecting, read over the rows'' span of date_processed): update_tcbs''s is_gc. Called by update_reports_live; rerun-safe.';
