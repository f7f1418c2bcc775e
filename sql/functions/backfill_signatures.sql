-- backfill_signatures(updateday date) -> boolean
-- Recomputes the day: update_signatures(updateday, false). signature_products is cumulative,
-- so nothing is deleted first. Callers: backfill_matviews, DBAs. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_signatures(updateday date)
RETURNS boolean
LANGUAGE sql
AS $$
    SELECT update_signatures(updateday, false);
$$;
COMMENT ON FUNCTION backfill_signatures(date) IS
'Reruns update_signatures for a day even if it was done. backfill_matviews / DBAs; rerun-safe.';
