-- backfill_explosiveness(updateday date) -> boolean
-- Recomputes the day even if it was done: update_explosiveness(updateday, false), which replaces the
-- day's rows (same inputs, same results). Callers: DBAs, the job runner's backfills. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_explosiveness(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_explosiveness(updateday, false);
$$;
COMMENT ON FUNCTION backfill_explosiveness(date) IS
'Reruns update_explosiveness for a day, replacing its rows. DBAs / job runner backfills; rerun-safe.';
