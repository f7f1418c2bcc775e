-- prepare_partitioned_table(p_tablename text) -> void
-- Makes a report_partition_info table ready for weekly partitions:
--   * it must exist; a plain table is converted (make_partitioned_table: its rows move into
--     weekly partitions created for their weeks), and a partitioned one must be partitioned by
--     RANGE on the registry's partition_column;
--   * its engine (partition_engine) is put in force: under pg_partman the table is registered
--     with partman.create_parent(..., 'native', 'weekly', ...) (automatic maintenance off:
--     weekly_report_partitions runs partman.run_maintenance for it, then applies the registry's
--     keys/indexes/fkeys), its existing partitions are renamed to pg_partman's scheme
--     (<table>_pIYYYwIW, which pg_partman's maintenance orders by) and new ones start after
--     them; back under native the table is removed from partman.part_config;
--   * no DEFAULT partition may swallow rows: an empty one (pg_partman creates <table>_default)
--     is dropped, one holding rows stops everything with an error naming it.
-- Callers: create_weekly_partition, weekly_report_partitions, set_partition_engine. Rerun-safe.
CREATE OR REPLACE FUNCTION prepare_partitioned_table(p_tablename text)
RETURNS void
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_default    record;
    v_element    text;
    v_engine     text;
    v_hasrows    boolean;
    v_info       record;
    v_keyok      boolean;
    v_newname    text;
    v_oldobj     text;
    v_part       record;
    v_partman    text := pg_partman_schema();
    v_registered boolean := false;
    v_relkind    "char";
    v_start      date;
    v_template   text;
BEGIN
    SELECT * INTO v_info FROM report_partition_info r WHERE r.table_name = p_tablename;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'prepare_partitioned_table: % is not in report_partition_info', p_tablename
            USING ERRCODE = 'undefined_object',
                  HINT = 'add the table with an INSERT INTO report_partition_info (see the seed''s example)';
    END IF;
    SELECT c.relkind INTO v_relkind
      FROM pg_class c WHERE c.relname = p_tablename AND c.relnamespace = 'public'::regnamespace;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'report_partition_info names % but there is no such table', p_tablename
            USING ERRCODE = 'undefined_table',
                  HINT = 'create the table (PARTITION BY RANGE on its partition_column) or delete the registry row';
    END IF;
    IF v_relkind = 'r' THEN
        PERFORM make_partitioned_table(p_tablename);
    ELSIF v_relkind <> 'p' THEN
        RAISE EXCEPTION '% is not a table', p_tablename
            USING ERRCODE = 'wrong_object_type';
    END IF;
    SELECT pt.partstrat = 'r' AND pt.partnatts = 1 AND a.attname = v_info.partition_column INTO v_keyok
      FROM pg_partitioned_table pt
      JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
     WHERE pt.partrelid = format('public.%I', p_tablename)::regclass;
    IF NOT coalesce(v_keyok, false) THEN
        RAISE EXCEPTION '% is not partitioned by range of % (its partition_column in report_partition_info)',
                        p_tablename, v_info.partition_column
            USING ERRCODE = 'wrong_object_type',
                  HINT = format('recreate it with PARTITION BY RANGE (%s), or correct the registry row', v_info.partition_column);
    END IF;

    v_engine := partition_engine(p_tablename);
    IF v_partman IS NOT NULL THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.part_config WHERE parent_table = %L)',
                       v_partman, 'public.' || p_tablename) INTO v_registered;
    END IF;
    IF v_engine = 'pg_partman' AND v_partman IS NULL THEN
        RAISE EXCEPTION '% uses the pg_partman engine, but the pg_partman extension is not installed in this database', p_tablename
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'install it (Debian: apt-get install postgresql-15-partman) and run SELECT set_partition_engine(''pg_partman''); or SELECT set_partition_engine(''native'')';
    ELSIF v_engine = 'pg_partman' AND NOT v_registered THEN
        -- new partitions start after the existing ones (pg_partman must not overlap them)
        SELECT greatest(week_begins_utc(utc_now()), max((w.range_to AT TIME ZONE 'UTC')::date)) INTO v_start
          FROM weekly_partitions w WHERE w.table_name = p_tablename AND NOT w.is_default;
        EXECUTE format('SELECT %I.create_parent(p_parent_table := %L, p_control := %L, p_type := ''native'', '
                       'p_interval := ''weekly'', p_premake := 4, p_start_partition := %L, '
                       'p_automatic_maintenance := ''off'', p_jobmon := false)',
                       v_partman, 'public.' || p_tablename, v_info.partition_column,
                       (v_start::timestamp AT TIME ZONE 'UTC')::text);
        -- premake counts from now, not from the newest row (an empty table still gets weeks)
        EXECUTE format('UPDATE %I.part_config SET infinite_time_partitions = true WHERE parent_table = %L',
                       v_partman, 'public.' || p_tablename);
        FOR v_part IN
            SELECT w.partition_name, w.range_from FROM weekly_partitions w
             WHERE w.table_name = p_tablename AND NOT w.is_default
        LOOP
            EXECUTE format('SELECT %1$I.check_name_length(%2$L, to_char(%3$L::timestamptz, c.datetime_string), true) '
                           'FROM %1$I.part_config c WHERE c.parent_table = %4$L',
                           v_partman, p_tablename, v_part.range_from, 'public.' || p_tablename) INTO v_newname;
            CONTINUE WHEN v_newname = v_part.partition_name;
            EXECUTE format('ALTER TABLE public.%I RENAME TO %I', v_part.partition_name, v_newname);
            -- and the registry's indexes and foreign keys, so they are found under the new name
            FOREACH v_element IN ARRAY v_info.keys LOOP
                v_oldobj := partition_object_name(v_part.partition_name, v_element, 'key');
                IF to_regclass(format('public.%I', v_oldobj)) IS NOT NULL THEN
                    EXECUTE format('ALTER INDEX public.%I RENAME TO %I', v_oldobj,
                                   partition_object_name(v_newname, v_element, 'key'));
                END IF;
            END LOOP;
            FOREACH v_element IN ARRAY v_info.indexes LOOP
                v_oldobj := partition_object_name(v_part.partition_name, v_element, 'idx');
                IF to_regclass(format('public.%I', v_oldobj)) IS NOT NULL THEN
                    EXECUTE format('ALTER INDEX public.%I RENAME TO %I', v_oldobj,
                                   partition_object_name(v_newname, v_element, 'idx'));
                END IF;
            END LOOP;
            FOREACH v_element IN ARRAY v_info.fkeys LOOP
                v_element := (regexp_match(v_element, '^\s*\(([^)]+)\)'))[1];
                CONTINUE WHEN v_element IS NULL;
                v_oldobj := partition_object_name(v_part.partition_name, v_element, 'fkey');
                IF EXISTS (SELECT 1 FROM pg_constraint k
                            WHERE k.conrelid = format('public.%I', v_newname)::regclass AND k.conname = v_oldobj) THEN
                    EXECUTE format('ALTER TABLE public.%I RENAME CONSTRAINT %I TO %I', v_newname, v_oldobj,
                                   partition_object_name(v_newname, v_element, 'fkey'));
                END IF;
            END LOOP;
        END LOOP;
        RAISE NOTICE '% is now managed by pg_partman (weekly, from the week of %)', p_tablename, v_start;
    ELSIF v_engine = 'native' AND v_registered THEN
        EXECUTE format('DELETE FROM %I.part_config WHERE parent_table = %L RETURNING template_table',
                       v_partman, 'public.' || p_tablename) INTO v_template;
        IF to_regclass(v_template) IS NOT NULL THEN
            EXECUTE format('DROP TABLE %s', to_regclass(v_template));
        END IF;
        RAISE NOTICE '% is no longer managed by pg_partman: weekly_report_partitions creates its partitions', p_tablename;
    END IF;

    FOR v_default IN
        SELECT c.relname::text AS partition_name
          FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partdefid
         WHERE pt.partrelid = format('public.%I', p_tablename)::regclass
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM public.%I)', v_default.partition_name) INTO STRICT v_hasrows;
        IF v_hasrows THEN
            RAISE EXCEPTION '% has a DEFAULT partition, %, holding rows', p_tablename, v_default.partition_name
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = format('crashstats keeps no DEFAULT partition: detach it (ALTER TABLE %I DETACH PARTITION %I), create the weeks its rows need (backfill_weekly_report_partitions), insert them into %I, drop it',
                                    p_tablename, v_default.partition_name, p_tablename);
        END IF;
        EXECUTE format('DROP TABLE public.%I', v_default.partition_name);
        RAISE NOTICE 'dropped the empty DEFAULT partition % of %: rows for a week without partition are refused',
                     v_default.partition_name, p_tablename;
    END LOOP;

    IF v_engine = 'pg_partman' AND NOT v_registered THEN
        PERFORM apply_weekly_partition_registry(p_tablename);
    END IF;
END;
$$;
COMMENT ON FUNCTION prepare_partitioned_table(text) IS
'Readies a report_partition_info table for weekly partitions: converts a plain table (its rows moved into weekly partitions), checks its RANGE key, registers it with pg_partman or releases it as its engine says, drops an empty DEFAULT partition and refuses one with rows. Called by partition creation; rerun-safe.';
