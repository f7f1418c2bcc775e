-- queue_reprocessing_for_symbols(p_modules jsonb, p_days integer DEFAULT 14,
--                                p_now timestamptz DEFAULT now()) -> integer
-- Late symbols fix old crashes: p_modules is a JSON array of {debug_file, debug_id} that just
-- arrived in the symbol store. Every crash processed in the p_days days before p_now whose
-- stack lacked one of them (write_processed_crash listed the module under
-- "modules_missing_symbols" in its processed crash document) is
-- queued for reprocessing at reprocessing priority (queue_reprocessing, priority 1). Only the
-- days on which missing_symbols recorded the module are searched, each through the GIN index of
-- processed_crashes. Returns the number of crashes queued (crashes whose raw crash is gone are
-- not counted). p_days 0 queues nothing.
-- Callers: save_symbols_upload (every symbol upload). Rerun-safe (queueing twice keeps one
-- queue row per crash).
CREATE OR REPLACE FUNCTION queue_reprocessing_for_symbols(
    p_modules jsonb,
    p_days integer DEFAULT 14,
    p_now timestamptz DEFAULT now()
)
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_since timestamptz;
    v_ids   uuid[];
    v_count integer;
BEGIN
    IF p_days IS NULL OR p_days < 0 THEN
        RAISE EXCEPTION 'queue_reprocessing_for_symbols: p_days must be 0 or more, not %', p_days
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'CRASHSTATS_SYMBOLS_REPROCESS_DAYS sets it (default 14)';
    END IF;
    IF p_modules IS NULL OR jsonb_typeof(p_modules) <> 'array' THEN
        RAISE EXCEPTION 'queue_reprocessing_for_symbols: p_modules must be a JSON array of {debug_file, debug_id}'
            USING ERRCODE = 'invalid_parameter_value', HINT = '''[{"debug_file": "x.so", "debug_id": "ABC..."}]''';
    END IF;
    IF p_days = 0 THEN
        RETURN 0;
    END IF;
    v_since := coalesce(p_now, now()) - make_interval(days => p_days);
    SELECT array_agg(DISTINCT pc.uuid)
      INTO v_ids
      FROM (SELECT DISTINCT m->>'debug_file' AS debug_file, m->>'debug_id' AS debug_id
              FROM jsonb_array_elements(p_modules) AS m
             WHERE coalesce(m->>'debug_file', '') <> '' AND coalesce(m->>'debug_id', '') <> '') AS mod
      JOIN missing_symbols ms
        ON ms.debug_file = mod.debug_file AND ms.debug_id = mod.debug_id
       AND ms.date_processed >= v_since::date
      JOIN processed_crashes pc
        ON pc.date_processed >= greatest(ms.date_processed::timestamptz, v_since)
       AND pc.date_processed < ms.date_processed::timestamptz + interval '1 day'
       AND pc.date_processed <= coalesce(p_now, now())
       AND pc.processed_crash @> jsonb_build_object('modules_missing_symbols',
               jsonb_build_array(jsonb_build_object('debug_file', mod.debug_file, 'debug_id', mod.debug_id)))
     WHERE pc.date_processed >= v_since;
    IF v_ids IS NULL THEN
        RETURN 0;
    END IF;
    SELECT count(*) INTO v_count FROM queue_reprocessing(v_ids) AS q WHERE q.status = 'queued';
    RETURN v_count;
END;
$$;
COMMENT ON FUNCTION queue_reprocessing_for_symbols(jsonb, integer, timestamptz) IS
'Queues for reprocessing (priority 1) the crashes of the last p_days days whose stack lacked one of the given modules'' symbols (missing_symbols days, modules_missing_symbols of the documents); returns how many. Called by save_symbols_upload; rerun-safe.';
