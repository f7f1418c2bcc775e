-- backfill_crash_adu_by_build_signature(updateday date) -> boolean
-- Recomputes the day even if it was done: update_crash_adu_by_build_signature(updateday, false), which replaces the
-- day's rows (same inputs, same results). Callers: DBAs, the job runner's backfills. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_crash_adu_by_build_signature(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_crash_adu_by_build_signature(updateday, false);
$$;
COMMENT ON FUNCTION backfill_crash_adu_by_build_signature(date) IS
'Reruns update_crash_adu_by_build_signature for a day, replacing its rows. DBAs / job runner backfills; rerun-safe.';
