-- queue_reprocessing(p_crash_ids uuid[]) -> TABLE(crash_id uuid, status text)
-- Queues crashes for reprocessing (priority 1): 'queued' for each crash whose raw crash is
-- stored, 'unknown' for the others (never received, or their raw crash truncated away), in
-- the order given (duplicates once). The processors then replace the processed rows.
-- Callers: crashstats reprocess --crash-id, the web's reprocess action. Rerun-safe.
CREATE OR REPLACE FUNCTION queue_reprocessing(p_crash_ids uuid[])
RETURNS TABLE (crash_id uuid, status text)
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_ids    uuid[];
    v_status text[];
BEGIN
    SELECT array_agg(r.id ORDER BY r.n),
           array_agg(CASE WHEN raw_crash_date(r.id) IS NULL THEN 'unknown' ELSE 'queued' END ORDER BY r.n)
      INTO v_ids, v_status
      FROM (SELECT c.id, min(c.n) AS n
              FROM unnest(p_crash_ids) WITH ORDINALITY AS c(id, n)
             WHERE c.id IS NOT NULL
             GROUP BY c.id) r;
    IF v_ids IS NULL THEN
        RETURN;
    END IF;
    PERFORM queue_crash_processing(
        ARRAY(SELECT u.id FROM unnest(v_ids, v_status) AS u(id, st) WHERE u.st = 'queued'), 1::smallint);
    RETURN QUERY SELECT u.id, u.st FROM unnest(v_ids, v_status) AS u(id, st);
END;
$$;
COMMENT ON FUNCTION queue_reprocessing(uuid[]) IS
'Queues the given crashes for reprocessing (priority 1) when their raw crash is stored; returns queued/unknown per crash. Called by crashstats reprocess; rerun-safe.';
