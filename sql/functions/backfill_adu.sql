-- backfill_adu(updateday date) -> boolean
-- Recomputes the day even if it was done: update_adu(updateday, false), which replaces the
-- day's rows (same inputs, same results). Callers: DBAs, the job runner's backfills. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_adu(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_adu(updateday, false);
$$;
COMMENT ON FUNCTION backfill_adu(date) IS
'Reruns update_adu for a day, replacing its rows. DBAs / job runner backfills; rerun-safe.';
