-- crash_report(p_crash_id uuid, p_keep_weeks integer DEFAULT 26)
--   -> TABLE (state text, crash_date date, report jsonb, processed_crash jsonb, raw_crash jsonb,
--             queued_at timestamptz, queue_priority smallint)
-- Everything the crash page shows about one crash, unredacted (the web redacts it for the
-- viewer): its reports row, processed crash document and raw crash, read from the week of the
-- date in the crash ID (last 6 characters, YYMMDD) and the next one, and its queue row. state:
--   'processed' a reports row or processed crash exists;
--   'pending'   only the raw crash exists (queued or not): not processed yet;
--   'expired'   nothing is left and the crash is older than the data kept (p_keep_weeks, the
--               truncation of raw/processed crashes, or before the oldest raw_crashes partition);
--   'unknown'   nothing is known about it.
-- Callers: the web's crash page (/report/index/<id>) and its JSON twin. Read-only.
CREATE OR REPLACE FUNCTION crash_report(p_crash_id uuid, p_keep_weeks integer DEFAULT 26)
RETURNS TABLE (state text, crash_date date, report jsonb, processed_crash jsonb, raw_crash jsonb,
               queued_at timestamptz, queue_priority smallint)
LANGUAGE plpgsql STABLE
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_date date;
    v_from timestamptz;
    v_to timestamptz;
    v_oldest date;
BEGIN
    IF p_crash_id IS NULL THEN
        RAISE EXCEPTION 'crash_report: a crash id is required' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    BEGIN
        v_date := to_date(right(p_crash_id::text, 6), 'YYMMDD');
    EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
        v_date := NULL;
    END;
    IF v_date IS NOT NULL THEN
        v_from := v_date - 1;
        v_to := v_date + 8;
    ELSE
        v_from := '-infinity';
        v_to := 'infinity';
    END IF;
    crash_date := v_date;

    SELECT to_jsonb(r) INTO report
      FROM reports r
     WHERE r.uuid = p_crash_id::text AND r.date_processed >= v_from AND r.date_processed < v_to
     ORDER BY r.date_processed DESC
     LIMIT 1;
    SELECT processed_crash_document(p.processed_crash, p.json_dump) INTO processed_crash
      FROM processed_crashes p
     WHERE p.uuid = p_crash_id AND p.date_processed >= v_from AND p.date_processed < v_to
     ORDER BY p.date_processed DESC
     LIMIT 1;
    SELECT processed_crash_document(w.raw_crash, w.json_dump) INTO raw_crash
      FROM raw_crashes w
     WHERE w.uuid = p_crash_id AND w.date_processed >= v_from AND w.date_processed < v_to
     ORDER BY w.date_processed DESC
     LIMIT 1;
    SELECT q.queued_at, q.priority INTO queued_at, queue_priority
      FROM processing_queue q WHERE q.crash_id = p_crash_id;

    IF report IS NOT NULL OR processed_crash IS NOT NULL THEN
        state := 'processed';
    ELSIF raw_crash IS NOT NULL THEN
        state := 'pending';
    ELSE
        SELECT min(wp.week_begins) INTO v_oldest
          FROM weekly_partitions wp WHERE wp.table_name = 'raw_crashes' AND NOT wp.is_default;
        IF v_date IS NOT NULL
           AND (v_date < (week_begins_utc(utc_now()) - 7 * coalesce(p_keep_weeks, 26))
                OR (v_oldest IS NOT NULL AND v_date < v_oldest)) THEN
            state := 'expired';
        ELSE
            state := 'unknown';
        END IF;
    END IF;
    RETURN NEXT;
END;
$$;
COMMENT ON FUNCTION crash_report(uuid, integer) IS
'One crash for the crash page: state (processed, pending, expired, unknown), its reports row, processed and raw crash (unredacted: the web redacts) and queue row. Read-only.';
