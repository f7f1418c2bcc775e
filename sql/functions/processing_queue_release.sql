-- processing_queue_release(p_crash_ids uuid[], p_worker text, p_claimed_at timestamptz,
--                          p_error text DEFAULT NULL, p_retry_after interval DEFAULT '0',
--                          p_discard boolean DEFAULT false) -> integer
-- Gives claimed crashes back without storing them, when the worker still holds them:
--   * p_error NULL (a stopping worker's unstarted crashes): claimable again at once, the
--     attempt not counted;
--   * p_error given (the dump store or the database failed): claimable again after
--     p_retry_after, the error kept in last_error;
--   * p_discard: the row is deleted (its raw crash no longer exists: nothing to process).
-- Returns how many rows it changed.
-- Callers: processor workers. Rerun-safe.
CREATE OR REPLACE FUNCTION processing_queue_release(
    p_crash_ids uuid[],
    p_worker text,
    p_claimed_at timestamptz,
    p_error text DEFAULT NULL,
    p_retry_after interval DEFAULT '0',
    p_discard boolean DEFAULT false
)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer;
BEGIN
    IF p_discard THEN
        DELETE FROM processing_queue q
         WHERE q.crash_id = ANY (p_crash_ids) AND q.claimed_by = p_worker AND q.claimed_at = p_claimed_at;
    ELSE
        UPDATE processing_queue q
           SET lease_expires = clock_timestamp() + coalesce(p_retry_after, interval '0'),
               last_error = coalesce(p_error, q.last_error),
               attempts = CASE WHEN p_error IS NULL THEN greatest(q.attempts - 1, 0) ELSE q.attempts END
         WHERE q.crash_id = ANY (p_crash_ids) AND q.claimed_by = p_worker AND q.claimed_at = p_claimed_at;
    END IF;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;
COMMENT ON FUNCTION processing_queue_release(uuid[], text, timestamptz, text, interval, boolean) IS
'Gives claimed crashes back unprocessed: at once (stopping worker), after p_retry_after with last_error (a failure), or deletes them (p_discard: no raw crash). Called by processor workers; rerun-safe.';
