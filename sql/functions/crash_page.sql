-- crash_page(p_crash_id uuid, p_keep_weeks integer DEFAULT 26, p_crashing_frames integer DEFAULT 200,
--            p_other_frames integer DEFAULT 20, p_threads integer DEFAULT 40, p_modules integer DEFAULT 300)
--   -> TABLE (state text, crash_date date, report jsonb, processed_crash jsonb, raw_crash jsonb,
--             json_dump jsonb, crashing integer, thread_count integer, thread_indexes integer[],
--             frame_counts integer[], module_count integer, queued_at timestamptz,
--             queue_priority smallint)
-- What the crash page (/report/index/<id> and its JSON twin) shows of one crash, unredacted
-- (the web redacts it for the viewer), without reading the stackwalker output whole: the
-- crash is found as crash_report() finds it (near the date in its ID, else near its stored
-- submission time; state as there: processed, pending, expired, unknown), and
--   report           its reports row;
--   processed_crash  its processed crash document without json_dump;
--   raw_crash        its raw crash without json_dump, which is named by its size instead
--                    (the page shows the processed one's, cut);
--   json_dump ...    the processed crash's json_dump cut by json_dump_page() (the first
--                    p_threads threads and the crashing one, their first p_other_frames or
--                    p_crashing_frames frames, the first p_modules modules) and how many
--                    threads, frames and modules it holds;
--   queued_at, queue_priority  its queue row.
-- The whole documents are crash_report()'s (/api/ProcessedCrash/, /api/RawCrash/).
-- Callers: web/crash.py (web/crashview.py passes its limits). Read-only; rerun-safe.
CREATE OR REPLACE FUNCTION crash_page(
    p_crash_id uuid,
    p_keep_weeks integer DEFAULT 26,
    p_crashing_frames integer DEFAULT 200,
    p_other_frames integer DEFAULT 20,
    p_threads integer DEFAULT 40,
    p_modules integer DEFAULT 300
)
RETURNS TABLE (state text, crash_date date, report jsonb, processed_crash jsonb, raw_crash jsonb,
               json_dump jsonb, crashing integer, thread_count integer, thread_indexes integer[],
               frame_counts integer[], module_count integer, queued_at timestamptz,
               queue_priority smallint)
LANGUAGE plpgsql STABLE
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_date date;
    v_from timestamptz;
    v_to timestamptz;
    v_oldest date;
    v_stored timestamptz;
    v_dump text;
    v_doc_dump json;
    v_raw_dump_bytes bigint;
    v_found boolean;
BEGIN
    IF p_crash_id IS NULL THEN
        RAISE EXCEPTION 'crash_page: a crash id is required' USING ERRCODE = 'null_value_not_allowed';
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

    FOR v_pass IN 1..2 LOOP
        SELECT to_jsonb(r) INTO report
          FROM reports r
         WHERE r.uuid = p_crash_id::text AND r.date_processed >= v_from AND r.date_processed < v_to
         ORDER BY r.date_processed DESC
         LIMIT 1;
        SELECT p.processed_crash, p.json_dump INTO processed_crash, v_dump
          FROM processed_crashes p
         WHERE p.uuid = p_crash_id AND p.date_processed >= v_from AND p.date_processed < v_to
         ORDER BY p.date_processed DESC
         LIMIT 1;
        SELECT w.raw_crash, octet_length(w.json_dump) INTO raw_crash, v_raw_dump_bytes
          FROM raw_crashes w
         WHERE w.uuid = p_crash_id AND w.date_processed >= v_from AND w.date_processed < v_to
         ORDER BY w.date_processed DESC
         LIMIT 1;
        v_found := report IS NOT NULL OR processed_crash IS NOT NULL OR raw_crash IS NOT NULL;
        EXIT WHEN v_found OR v_date IS NULL OR v_pass = 2;
        -- nothing near the ID's date: where is it stored, if anywhere (one index probe per
        -- weekly partition)?
        v_stored := raw_crash_date(p_crash_id);
        IF v_stored IS NULL THEN
            SELECT p.date_processed INTO v_stored FROM processed_crashes p WHERE p.uuid = p_crash_id LIMIT 1;
        END IF;
        EXIT WHEN v_stored IS NULL;
        v_from := v_stored - interval '1 day';
        v_to := v_stored + interval '8 days';
    END LOOP;
    SELECT q.queued_at, q.priority INTO queued_at, queue_priority
      FROM processing_queue q WHERE q.crash_id = p_crash_id;

    -- a document written before json_dump was kept apart still holds it
    IF v_dump IS NULL AND processed_crash ? 'json_dump' THEN
        v_doc_dump := (processed_crash->'json_dump')::json;
    END IF;
    IF processed_crash ? 'json_dump' THEN
        processed_crash := processed_crash - 'json_dump';
    END IF;
    IF v_dump IS NOT NULL OR v_doc_dump IS NOT NULL THEN
        SELECT j.dump, j.crashing, j.thread_count, j.thread_indexes, j.frame_counts, j.module_count
          INTO json_dump, crashing, thread_count, thread_indexes, frame_counts, module_count
          FROM json_dump_page(coalesce(v_dump::json, v_doc_dump), processed_crash->'crashedThread',
                              p_crashing_frames, p_other_frames, p_threads, p_modules) j;
    ELSE
        SELECT j.crashing INTO crashing FROM json_dump_page(NULL, processed_crash->'crashedThread') j;
    END IF;
    IF v_raw_dump_bytes IS NULL AND raw_crash ? 'json_dump' THEN
        v_raw_dump_bytes := octet_length((raw_crash->'json_dump')::text);
    END IF;
    IF v_raw_dump_bytes IS NOT NULL THEN
        raw_crash := raw_crash || jsonb_build_object('json_dump',
            format('…(%s bytes of JSON not shown here: the processed crash''s stack is above; the whole raw crash is in the API)',
                   v_raw_dump_bytes));
    END IF;

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
COMMENT ON FUNCTION crash_page(uuid, integer, integer, integer, integer, integer) IS
'One crash for the crash page, found as crash_report() finds it: state, reports row, processed and raw crash without json_dump, the processed json_dump cut by json_dump_page() (first threads and frames, crashing thread, first modules) with its counts, and queue row; unredacted (the web redacts). The whole documents are crash_report()''s. Read-only.';
