-- bump_cache_generation(p_reason text DEFAULT '') -> bigint
-- Raises the web cache's generation number (cache_generation) and returns the new one: every
-- cached page and API answer carries the number in its key, so the next request reads the new
-- data. Also NOTIFYs crashstats_cache_generation with the number.
-- Callers: the crontabber runner after a report job succeeds (same transaction as its run),
-- admin edits (issue 9), DBAs after a manual backfill. Rerun-safe (each call raises it by one).
CREATE OR REPLACE FUNCTION bump_cache_generation(p_reason text DEFAULT '')
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_generation bigint;
BEGIN
    INSERT INTO cache_generation AS c (id, generation, bumped_at, reason)
    VALUES (true, 2, now(), coalesce(p_reason, ''))
    ON CONFLICT (id) DO UPDATE
       SET generation = c.generation + 1, bumped_at = now(), reason = coalesce(p_reason, '')
    RETURNING c.generation INTO v_generation;
    PERFORM pg_notify('crashstats_cache_generation', v_generation::text);
    RETURN v_generation;
END;
$$;
COMMENT ON FUNCTION bump_cache_generation(text) IS
'Raises the web cache generation (cache_generation) so cached pages are read again; returns the new number. Called by the job runner after report jobs and by admin edits; rerun-safe.';
