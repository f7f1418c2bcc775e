-- backfill_signature_summary_uptime(updateday date) -> boolean
-- Recomputes the day even if it was done: update_signature_summary_uptime(updateday, false), which replaces the
-- day's rows (same inputs, same results). Callers: DBAs, the job runner's backfills. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_signature_summary_uptime(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_signature_summary_uptime(updateday, false);
$$;
COMMENT ON FUNCTION backfill_signature_summary_uptime(date) IS
'Reruns update_signature_summary_uptime for a day, replacing its rows. DBAs / job runner backfills; rerun-safe.';
