-- backfill_android_devices(updateday date) -> boolean
-- Rescans the day's raw crashes for new devices even if the day was done:
-- update_android_devices(updateday, false) (the lookup is cumulative; nothing is deleted).
-- Callers: DBAs, the job runner's backfills. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_android_devices(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_android_devices(updateday, false);
$$;
COMMENT ON FUNCTION backfill_android_devices(date) IS
'Reruns update_android_devices for a day (adds devices not yet known). DBAs / job runner backfills; rerun-safe.';
