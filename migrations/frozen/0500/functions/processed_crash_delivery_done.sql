-- processed_crash_delivery_done(p_destination text, p_delivered uuid[],
--                               p_failed uuid[] DEFAULT '{}', p_errors text[] DEFAULT '{}')
--   -> integer
-- The outcome of sending crashes to one optional crash store: delivered ones lose their
-- processed_crash_deliveries row; failed ones keep it with last_error (p_errors[i] for
-- p_failed[i]), one more attempt and a next attempt after a backoff of 2^attempts minutes
-- (at most 6 hours). Returns how many rows were deleted.
-- Callers: processor workers after each batch, the retry job. Rerun-safe (a repeated failure
-- only pushes the next attempt).
CREATE OR REPLACE FUNCTION processed_crash_delivery_done(
    p_destination text,
    p_delivered uuid[],
    p_failed uuid[] DEFAULT '{}',
    p_errors text[] DEFAULT '{}'
)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer;
BEGIN
    IF cardinality(p_failed) <> cardinality(p_errors) THEN
        RAISE EXCEPTION 'processed_crash_delivery_done: % failed crashes but % errors',
                        cardinality(p_failed), cardinality(p_errors)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'give one error text per failed crash, in the same order';
    END IF;
    DELETE FROM processed_crash_deliveries d
     WHERE d.destination = p_destination AND d.crash_id = ANY (p_delivered);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    UPDATE processed_crash_deliveries d
       SET last_error = f.error,
           last_attempt_at = clock_timestamp(),
           attempts = greatest(d.attempts, 1),
           next_attempt_at = clock_timestamp()
                             + least(interval '1 minute' * power(2, least(greatest(d.attempts, 1), 20)),
                                     interval '6 hours')
      FROM unnest(p_failed, p_errors) AS f(crash_id, error)
     WHERE d.destination = p_destination AND d.crash_id = f.crash_id;
    RETURN v_count;
END;
$$;
COMMENT ON FUNCTION processed_crash_delivery_done(text, uuid[], uuid[], text[]) IS
'Deletes the delivery rows of crashes an optional crash store now has; records the error and backs off (2^attempts minutes, at most 6 h) for those it refused. Called by processor workers and the retry job; rerun-safe.';
