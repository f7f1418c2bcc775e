-- backfill_signature_summary_flash_version(updateday date) -> boolean
-- Recomputes the day even if it was done: update_signature_summary_flash_version(updateday, false), which replaces the
-- day's rows (same inputs, same results). Callers: DBAs, the job runner's backfills. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_signature_summary_flash_version(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_signature_summary_flash_version(updateday, false);
$$;
COMMENT ON FUNCTION backfill_signature_summary_flash_version(date) IS
'Reruns update_signature_summary_flash_version for a day, replacing its rows. DBAs / job runner backfills; rerun-safe.';
