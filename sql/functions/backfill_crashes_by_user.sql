-- backfill_crashes_by_user(updateday date) -> boolean
-- Recomputes the day even if it was done: update_crashes_by_user(updateday, false), which replaces the
-- day's rows (same inputs, same results). Callers: DBAs, the job runner's backfills. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_crashes_by_user(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_crashes_by_user(updateday, false);
$$;
COMMENT ON FUNCTION backfill_crashes_by_user(date) IS
'Reruns update_crashes_by_user for a day, replacing its rows. DBAs / job runner backfills; rerun-safe.';
