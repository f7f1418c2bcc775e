-- backfill_rank_compare(updateday date) -> boolean
-- Recomputes the day even if it was done: update_rank_compare(updateday, false), which replaces the
-- day's rows (same inputs, same results). Callers: DBAs, the job runner's backfills. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_rank_compare(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_rank_compare(updateday, false);
$$;
COMMENT ON FUNCTION backfill_rank_compare(date) IS
'Reruns update_rank_compare for a day, replacing its rows. DBAs / job runner backfills; rerun-safe.';
