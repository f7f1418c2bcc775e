-- backfill_gccrashes(updateday date) -> boolean
-- Recomputes the day even if it was done: update_gccrashes(updateday, false), which replaces the
-- day's rows (same inputs, same results). Callers: DBAs, the job runner's backfills. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_gccrashes(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_gccrashes(updateday, false);
$$;
COMMENT ON FUNCTION backfill_gccrashes(date) IS
'Reruns update_gccrashes for a day, replacing its rows. DBAs / job runner backfills; rerun-safe.';
