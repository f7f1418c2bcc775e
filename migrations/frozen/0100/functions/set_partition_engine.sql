-- set_partition_engine(p_engine text, p_tablename text DEFAULT NULL) -> text
-- Chooses who creates weekly partitions: 'native' (weekly_report_partitions) or 'pg_partman'.
--   * p_tablename NULL: the database default (ALTER DATABASE <this> SET
--     crashstats.partition_engine, also set for this session), used by every table whose
--     report_partition_info.engine is NULL, including tables added later with the seed's INSERT;
--   * a table: its engine column; p_engine 'default' clears it (back to the database default).
-- 'pg_partman' creates the extension (schema partman) when the server has it and it is not
-- installed yet; without it on the server it fails, changing nothing. The tables concerned
-- are then put under their engine at once (prepare_partitioned_table: registration with
-- partman.create_parent or release), so errors show now rather than in the weekly job.
-- Returns a one-line summary. Callers: `crashstats partitions engine`, DBAs. Rerun-safe.
CREATE OR REPLACE FUNCTION set_partition_engine(p_engine text, p_tablename text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    v_engine text := lower(btrim(p_engine));
    v_table  text;
BEGIN
    IF v_engine IS NULL OR v_engine NOT IN ('native', 'pg_partman', 'default')
       OR (v_engine = 'default' AND p_tablename IS NULL) THEN
        RAISE EXCEPTION 'set_partition_engine: engine must be native or pg_partman% (got %)',
                        CASE WHEN p_tablename IS NULL THEN '' ELSE ', or default' END, coalesce(p_engine, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_tablename IS NOT NULL AND NOT EXISTS (SELECT 1 FROM report_partition_info r WHERE r.table_name = p_tablename) THEN
        RAISE EXCEPTION 'set_partition_engine: % is not in report_partition_info', p_tablename
            USING ERRCODE = 'undefined_object';
    END IF;
    IF v_engine = 'pg_partman' AND pg_partman_schema() IS NULL THEN
        IF NOT EXISTS (SELECT 1 FROM pg_available_extensions e WHERE e.name = 'pg_partman') THEN
            RAISE EXCEPTION 'pg_partman is not available on this PostgreSQL server'
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'install it (Debian/Ubuntu: apt-get install postgresql-<major>-partman), or keep the native engine';
        END IF;
        CREATE SCHEMA IF NOT EXISTS partman;
        CREATE EXTENSION pg_partman SCHEMA partman;
        RAISE NOTICE 'created the pg_partman extension in schema partman';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('crashstats.partitions'));
    IF p_tablename IS NULL THEN
        EXECUTE format('ALTER DATABASE %I SET crashstats.partition_engine TO %L', current_database(), v_engine);
        PERFORM set_config('crashstats.partition_engine', v_engine, false);
    ELSE
        UPDATE report_partition_info r SET engine = nullif(v_engine, 'default') WHERE r.table_name = p_tablename;
    END IF;
    FOR v_table IN
        SELECT r.table_name::text
          FROM report_partition_info r
          JOIN pg_class c ON c.relname = r.table_name::text AND c.relnamespace = 'public'::regnamespace
         WHERE (p_tablename IS NULL OR r.table_name = p_tablename) AND c.relkind IN ('r', 'p')
         ORDER BY r.build_order, r.table_name
    LOOP
        PERFORM prepare_partitioned_table(v_table);
    END LOOP;
    RETURN CASE WHEN p_tablename IS NULL
                THEN format('partition engine of database %s: %s (tables with their own engine keep it)',
                            current_database(), v_engine)
                ELSE format('partition engine of %s: %s', p_tablename, partition_engine(p_tablename)) END;
END;
$$;
COMMENT ON FUNCTION set_partition_engine(text, text) IS
'Sets the partition engine (native or pg_partman) of the database or of one report_partition_info table (default = follow the database), creating the pg_partman extension when needed, and puts the tables under it at once. CLI partitions engine; rerun-safe.';
