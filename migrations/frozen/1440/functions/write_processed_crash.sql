-- write_processed_crash(p_crash_id uuid, p_processed jsonb, p_missing_symbols jsonb,
--                       p_date timestamptz, p_json_dump text DEFAULT NULL) -> bigint
-- Writes one processed crash into the week of p_date (its date_processed), replacing an
-- earlier processing of the same crash (never a second row):
--   * reports: one row, the processed crash's fields under Socorro's _reports_table_mappings
--     (startedDateTime/completeddatetime -> started_datetime/completed_datetime; strings cut to
--     the column lengths: product 30, version 16, build 30, signature 255, url 255, cpu_name
--     and cpu_info 100, reason 255, address 20, os_name and os_version 100, email 100,
--     user_id 50, user_comments and app_notes 1024, distributor and distributor_version 20);
--     a replaced row keeps its id; update_channel is the release channel;
--   * plugins / plugins_reports for a plugin crash (process_type 'plugin': PluginFilename,
--     PluginName, PluginVersion);
--   * processed_crashes: the document (jsonb) without json_dump, and json_dump as JSON text
--     (p_json_dump, as the processor sends it; else the document's own json_dump is moved
--     there), so PostgreSQL does not parse and index ~150 KB of stack per crash;
--   * missing_symbols: each {debug_file, debug_id, code_file, code_id} of p_missing_symbols
--     once per day; the document also keeps them, as {debug_file, debug_id} pairs, under
--     "modules_missing_symbols" (a few bytes, GIN-indexed: late symbols find the crashes that
--     lacked them without reading json_dump);
--   * reports_live_queue: the crash, for update_reports_live to count in the live reports.
-- The day (and that of a row moved from another day) is cleared from Super Search's roll-up
-- (search_facets_touch). Rows of an earlier processing in another week (the raw crash was
-- saved again with another submission time) are removed first. Returns the reports id. Raises 23514 when a week has no
-- partition: save_processed_crash creates it and calls again.
-- Callers: save_processed_crash only (it serialises writers of one crash). Rerun-safe.
CREATE OR REPLACE FUNCTION write_processed_crash(
    p_crash_id uuid,
    p_processed jsonb,
    p_missing_symbols jsonb,
    p_date timestamptz,
    p_json_dump text DEFAULT NULL
)
RETURNS bigint
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_uuid    text := p_crash_id::text;
    v_since   timestamptz := least(crash_id_date(p_crash_id), p_date::date) - 1;
    v_row     record;
    v_id      bigint;
    v_plugin  integer;
    v_channel text := p_processed->>'release_channel';
    v_doc     jsonb := p_processed;
    v_dump    text := p_json_dump;
BEGIN
    IF v_dump IS NULL AND p_processed ? 'json_dump' THEN
        v_dump := (p_processed->'json_dump')::text;
    END IF;
    IF v_doc ? 'json_dump' THEN
        v_doc := v_doc - 'json_dump';
    END IF;
    IF jsonb_typeof(p_missing_symbols) = 'array' AND jsonb_array_length(p_missing_symbols) > 0 THEN
        v_doc := v_doc || jsonb_build_object('modules_missing_symbols',
            (SELECT jsonb_agg(DISTINCT jsonb_build_object('debug_file', m->>'debug_file', 'debug_id', m->>'debug_id'))
               FROM jsonb_array_elements(p_missing_symbols) AS m
              WHERE coalesce(m->>'debug_file', '') <> '' AND coalesce(m->>'debug_id', '') <> ''));
    END IF;
    -- Super Search's roll-up of the day no longer holds (search_facets_touch)
    PERFORM search_facets_touch(p_date);
    -- one look-up by uuid in the partitions from v_since on: this processing's week, and others
    -- (the raw crash was saved again with another submission time) whose rows go. A cached plan
    -- pruned when it starts (~0.04 ms a crash; EXECUTE, planned each call, took ~0.15 ms)
    FOR v_row IN
        SELECT r.id, r.date_processed FROM reports r WHERE r.uuid = v_uuid AND r.date_processed >= v_since
    LOOP
        IF v_row.date_processed = p_date THEN
            v_id := v_row.id;
            CONTINUE;
        END IF;
        PERFORM search_facets_touch(v_row.date_processed);
        DELETE FROM plugins_reports pr
         WHERE pr.report_id = v_row.id AND pr.date_processed = v_row.date_processed;
        DELETE FROM reports r WHERE r.id = v_row.id AND r.date_processed = v_row.date_processed;
        DELETE FROM processed_crashes pc WHERE pc.uuid = p_crash_id AND pc.date_processed = v_row.date_processed;
    END LOOP;
    IF v_id IS NOT NULL THEN
        DELETE FROM plugins_reports pr WHERE pr.report_id = v_id AND pr.date_processed = p_date;
        DELETE FROM reports r WHERE r.id = v_id AND r.date_processed = p_date;
        DELETE FROM processed_crashes pc WHERE pc.uuid = p_crash_id AND pc.date_processed = p_date;
    END IF;

    INSERT INTO reports (
        id, uuid, client_crash_date, date_processed, product, version, build, signature, url,
        install_age, last_crash, uptime, cpu_name, cpu_info, reason, address, os_name, os_version,
        email, user_id, started_datetime, completed_datetime, success, truncated, processor_notes,
        user_comments, app_notes, distributor, distributor_version, topmost_filenames,
        addons_checked, flash_version, hangid, process_type, release_channel, productid,
        exploitability, update_channel)
    VALUES (
        coalesce(v_id, nextval('reports_id_seq'::regclass)),
        v_uuid,
        (p_processed->>'client_crash_date')::timestamptz,
        p_date,
        left(p_processed->>'product', 30),
        left(p_processed->>'version', 16),
        left(p_processed->>'build', 30),
        left(p_processed->>'signature', 255),
        left(p_processed->>'url', 255),
        (p_processed->>'install_age')::integer,
        (p_processed->>'last_crash')::integer,
        (p_processed->>'uptime')::integer,
        left(p_processed->>'cpu_name', 100),
        left(p_processed->>'cpu_info', 100),
        left(p_processed->>'reason', 255),
        left(p_processed->>'address', 20),
        left(p_processed->>'os_name', 100),
        left(p_processed->>'os_version', 100),
        left(p_processed->>'email', 100),
        left(p_processed->>'user_id', 50),
        coalesce(p_processed->>'started_datetime', p_processed->>'startedDateTime')::timestamptz,
        coalesce(p_processed->>'completed_datetime', p_processed->>'completeddatetime')::timestamptz,
        (p_processed->>'success')::boolean,
        (p_processed->>'truncated')::boolean,
        p_processed->>'processor_notes',
        left(p_processed->>'user_comments', 1024),
        left(p_processed->>'app_notes', 1024),
        left(p_processed->>'distributor', 20),
        left(p_processed->>'distributor_version', 20),
        p_processed->>'topmost_filenames',
        (p_processed->>'addons_checked')::boolean,
        p_processed->>'flash_version',
        p_processed->>'hangid',
        p_processed->>'process_type',
        v_channel,
        p_processed->>'productid',
        p_processed->>'exploitability',
        v_channel)
    RETURNING id INTO v_id;

    IF p_processed->>'process_type' = 'plugin' THEN
        INSERT INTO plugins (filename, name)
        VALUES (coalesce(p_processed->>'PluginFilename', ''), coalesce(p_processed->>'PluginName', ''))
        ON CONFLICT (filename, name) DO NOTHING;
        SELECT pl.id INTO v_plugin FROM plugins pl
         WHERE pl.filename = coalesce(p_processed->>'PluginFilename', '')
           AND pl.name = coalesce(p_processed->>'PluginName', '');
        INSERT INTO plugins_reports (report_id, plugin_id, date_processed, version)
        VALUES (v_id, v_plugin, p_date, coalesce(p_processed->>'PluginVersion', ''));
    END IF;

    INSERT INTO processed_crashes (uuid, processed_crash, date_processed, json_dump)
    VALUES (p_crash_id, v_doc, p_date, v_dump);

    IF jsonb_typeof(p_missing_symbols) = 'array' AND jsonb_array_length(p_missing_symbols) > 0 THEN
        INSERT INTO missing_symbols (date_processed, debug_file, debug_id, code_file, code_id)
        SELECT DISTINCT p_date::date, m->>'debug_file', m->>'debug_id', m->>'code_file', m->>'code_id'
          FROM jsonb_array_elements(p_missing_symbols) AS m
         WHERE coalesce(m->>'debug_file', '') <> '' AND coalesce(m->>'debug_id', '') <> ''
        ON CONFLICT DO NOTHING;
    END IF;

    -- for the live reports (update_reports_live), written with the rows above so that
    -- update_reports_clean can tell which processing of the crash it has read (xmin)
    INSERT INTO reports_live_queue (uuid, date_processed) VALUES (v_uuid, p_date)
    ON CONFLICT (uuid) DO UPDATE SET date_processed = EXCLUDED.date_processed, queued_at = EXCLUDED.queued_at;
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION write_processed_crash(uuid, jsonb, jsonb, timestamptz, text) IS
'Writes one processed crash (reports with Socorro''s column mapping and lengths, plugins_reports, processed_crashes with json_dump as text, missing_symbols) into its week, replacing any earlier processing of it. Called by save_processed_crash only; rerun-safe.';
