-- json_dump_page(p_json_dump json, p_crashed_thread jsonb, p_crashing_frames integer,
--                p_other_frames integer, p_threads integer, p_modules integer)
--   -> (dump jsonb, crashing integer, thread_count integer, thread_indexes integer[],
--       frame_counts integer[], module_count integer)
-- What the crash page shows of a stackwalker's json_dump (any JSON: a token may supply it),
-- cut here so that the page never reads the whole document (a crash at the collector's limits
-- carries megabytes of it):
--   dump            json_dump with "threads" (when a list) holding only the threads the page
--                   shows, the first p_threads and the crashing one, in their order, each
--                   thread's "frames" (when a list) cut to its first p_crashing_frames (the
--                   crashing thread) or p_other_frames; "modules" (when a list) cut to its first
--                   p_modules; every other key as stored;
--   crashing        the crashing thread: p_crashed_thread (the processed crash's crashedThread)
--                   or, when that is null, crash_info.crashing_thread; NULL unless a
--                   non-negative integer;
--   thread_count    how many threads json_dump holds (0 when "threads" is not a list);
--   thread_indexes  the index in json_dump of each thread kept in dump's "threads";
--   frame_counts    how many frames each kept thread holds (0 when not a list of frames);
--   module_count    how many modules json_dump holds (0 when "modules" is not a list).
-- json, not jsonb: the stored text is lexed a few times (the cast, each level walked) but only
-- the kept parts are turned into jsonb; no thread or frame beyond the kept ones is converted
-- (for 50,000 frames, 7 MB: ~0.2 s, against ~0.3 s to turn it into jsonb and more to cut it).
-- Callers: crash_page() (the crash page and its JSON twin; web/crashview.py renders the
-- result and says what was left out). Read-only; rerun-safe.
CREATE OR REPLACE FUNCTION json_dump_page(
    p_json_dump json,
    p_crashed_thread jsonb DEFAULT NULL,
    p_crashing_frames integer DEFAULT 200,
    p_other_frames integer DEFAULT 20,
    p_threads integer DEFAULT 40,
    p_modules integer DEFAULT 300,
    OUT dump jsonb,
    OUT crashing integer,
    OUT thread_count integer,
    OUT thread_indexes integer[],
    OUT frame_counts integer[],
    OUT module_count integer
)
LANGUAGE plpgsql IMMUTABLE
-- the walked levels are held in tuplestores: in memory, not spilled to disk, for a json_dump
-- at the collector's limits (8 MiB)
SET work_mem TO '64MB'
AS $$
DECLARE
    v_key text;
    v_value json;
    v_threads json;
    v_modules json;
    v_has_threads boolean := false;
    v_has_modules boolean := false;
    v_crash jsonb := p_crashed_thread;
    v_index integer;
    v_thread json;
    v_frames json;
    v_has_frames boolean;
    v_kept jsonb;
    v_cut jsonb;
    v_count integer;
    v_shown jsonb := '[]';
BEGIN
    thread_count := 0;
    thread_indexes := '{}';
    frame_counts := '{}';
    module_count := 0;
    IF p_json_dump IS NULL THEN
        RETURN;
    END IF;
    IF json_typeof(p_json_dump) <> 'object' THEN
        dump := p_json_dump::jsonb;
        crashing := CASE WHEN jsonb_typeof(v_crash) = 'number' AND v_crash::text ~ '^[0-9]{1,9}$'
                         THEN v_crash::text::integer END;
        RETURN;
    END IF;
    dump := '{}';
    -- one walk of the top level; a key given twice keeps its last value, as a JSON reader does
    FOR v_key, v_value IN SELECT e.key, e.value FROM json_each(p_json_dump) e LOOP
        IF v_key = 'threads' THEN
            v_threads := v_value;
            v_has_threads := true;
        ELSIF v_key = 'modules' THEN
            v_modules := v_value;
            v_has_modules := true;
        ELSE
            dump := dump || jsonb_build_object(v_key, v_value::jsonb);
        END IF;
    END LOOP;
    IF v_crash IS NULL OR jsonb_typeof(v_crash) = 'null' THEN
        v_crash := CASE WHEN jsonb_typeof(dump->'crash_info') = 'object' THEN dump->'crash_info'->'crashing_thread' END;
    END IF;
    crashing := CASE WHEN jsonb_typeof(v_crash) = 'number' AND v_crash::text ~ '^[0-9]{1,9}$'
                     THEN v_crash::text::integer END;

    IF v_has_threads AND json_typeof(v_threads) = 'array' THEN
        FOR v_index, v_thread IN
            SELECT (t.ord - 1)::integer, t.value FROM json_array_elements(v_threads) WITH ORDINALITY AS t(value, ord)
        LOOP
            thread_count := thread_count + 1;
            CONTINUE WHEN v_index >= p_threads AND v_index IS DISTINCT FROM crashing;
            thread_indexes := thread_indexes || v_index;
            IF json_typeof(v_thread) <> 'object' THEN
                v_shown := v_shown || jsonb_build_array(v_thread::jsonb);
                frame_counts := frame_counts || 0;
                CONTINUE;
            END IF;
            v_kept := '{}';
            v_has_frames := false;
            FOR v_key, v_value IN SELECT e.key, e.value FROM json_each(v_thread) e LOOP
                IF v_key = 'frames' THEN
                    v_frames := v_value;
                    v_has_frames := true;
                ELSE
                    v_kept := v_kept || jsonb_build_object(v_key, v_value::jsonb);
                END IF;
            END LOOP;
            v_count := 0;
            IF v_has_frames AND json_typeof(v_frames) = 'array' THEN
                SELECT count(*)::integer,
                       coalesce(jsonb_agg(f.value::jsonb ORDER BY f.ord)
                                FILTER (WHERE f.ord <= CASE WHEN v_index = crashing THEN p_crashing_frames
                                                            ELSE p_other_frames END), '[]')
                  INTO v_count, v_cut
                  FROM json_array_elements(v_frames) WITH ORDINALITY AS f(value, ord);
                v_kept := v_kept || jsonb_build_object('frames', v_cut);
            ELSIF v_has_frames THEN
                v_kept := v_kept || jsonb_build_object('frames', v_frames::jsonb);
            END IF;
            frame_counts := frame_counts || v_count;
            v_shown := v_shown || jsonb_build_array(v_kept);
        END LOOP;
        dump := dump || jsonb_build_object('threads', v_shown);
    ELSIF v_has_threads THEN
        dump := dump || jsonb_build_object('threads', v_threads::jsonb);
    END IF;

    IF v_has_modules AND json_typeof(v_modules) = 'array' THEN
        SELECT count(*)::integer,
               coalesce(jsonb_agg(m.value::jsonb ORDER BY m.ord) FILTER (WHERE m.ord <= p_modules), '[]')
          INTO module_count, v_cut
          FROM json_array_elements(v_modules) WITH ORDINALITY AS m(value, ord);
        dump := dump || jsonb_build_object('modules', v_cut);
    ELSIF v_has_modules THEN
        dump := dump || jsonb_build_object('modules', v_modules::jsonb);
    END IF;
END;
$$;
COMMENT ON FUNCTION json_dump_page(json, jsonb, integer, integer, integer, integer) IS
'What the crash page shows of a json_dump: the first threads (and the crashing one) with their first frames, the first modules, every other key, and how many threads, frames and modules there were; no thread or frame beyond those is converted to jsonb. Called by crash_page(); read-only.';
