-- processing_queue_renew(p_crash_ids uuid[], p_worker text, p_claimed_at timestamptz,
--                        p_lease interval DEFAULT '5 minutes') -> integer
-- Extends the lease of crashes a worker still holds (claimed_by = p_worker and claimed_at =
-- p_claimed_at, its claim token) to now + p_lease; returns how many it still holds (a claim
-- taken over after its lease lapsed is not renewed).
-- Callers: processor workers during long work (stackwalking several dumps). Rerun-safe.
CREATE OR REPLACE FUNCTION processing_queue_renew(
    p_crash_ids uuid[],
    p_worker text,
    p_claimed_at timestamptz,
    p_lease interval DEFAULT '5 minutes'
)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer;
BEGIN
    UPDATE processing_queue q SET lease_expires = clock_timestamp() + p_lease
     WHERE q.crash_id = ANY (p_crash_ids) AND q.claimed_by = p_worker AND q.claimed_at = p_claimed_at;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;
COMMENT ON FUNCTION processing_queue_renew(uuid[], text, timestamptz, interval) IS
'Extends the lease of the crashes a processor worker still holds under its claim token; returns how many. Called by workers during long processing; rerun-safe.';
