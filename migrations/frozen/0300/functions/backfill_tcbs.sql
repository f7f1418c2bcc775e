-- backfill_tcbs(updateday date) -> boolean
-- Recomputes the day even if it was done: update_tcbs(updateday, false), which replaces the
-- day's rows (same inputs, same results). Callers: DBAs, the job runner's backfills. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_tcbs(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_tcbs(updateday, false);
$$;
COMMENT ON FUNCTION backfill_tcbs(date) IS
'Reruns update_tcbs for a day, replacing its rows. DBAs / job runner backfills; rerun-safe.';
