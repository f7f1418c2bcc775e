-- create_weekly_partition(p_tablename text, p_week date) -> text
-- Creates the partition of a report_partition_info table for the week containing p_week
-- (weeks start on Monday, UTC) through the table's engine: native partitions are named
-- <table>_<YYYYMMDD>, pg_partman names its own (<table>_pIYYYwIW). Then it gives the partition
-- the registry's unique keys, indexes and foreign keys (apply_weekly_partition_registry;
-- WEEKNUM = the same week's partition of the referenced table, found through the catalog).
-- Prepares the table first (prepare_partitioned_table: converts a plain table, moving its rows
-- into the partitions of their weeks, puts its engine in force, refuses a DEFAULT partition
-- holding rows).
-- Returns the new partition's name, or NULL when the week already has a partition (idempotent).
-- Callers: backfill_weekly_report_partitions / weekly_report_partitions (weekly job, setup
-- admin, writers meeting a missing week), apply_weekly_partition_registry. Rerun-safe.
CREATE OR REPLACE FUNCTION create_weekly_partition(p_tablename text, p_week date)
RETURNS text
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_from     text;
    v_info     record;
    v_partname text;
    v_to       text;
    v_week     date := date_trunc('week', p_week)::date;
BEGIN
    IF p_week IS NULL THEN
        RAISE EXCEPTION 'create_weekly_partition: no week given for %', p_tablename
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('crashstats.partitions'));

    SELECT * INTO v_info FROM report_partition_info r WHERE r.table_name = p_tablename;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'create_weekly_partition: % is not in report_partition_info', p_tablename
            USING ERRCODE = 'undefined_object',
                  HINT = 'add the table with an INSERT INTO report_partition_info (see the seed''s example)';
    END IF;
    -- any partition overlapping the week counts (whoever named it)
    IF EXISTS (SELECT 1 FROM weekly_partitions w
                WHERE w.table_name = p_tablename AND NOT w.is_default
                  AND w.range_from < ((v_week + 7)::timestamp AT TIME ZONE 'UTC')
                  AND w.range_to > (v_week::timestamp AT TIME ZONE 'UTC')) THEN
        RETURN NULL;
    END IF;

    PERFORM prepare_partitioned_table(p_tablename);
    -- preparing may have made this week already: pg_partman's premake when it registered the
    -- table, or the weeks of the rows of a plain table it converted
    SELECT w.partition_name INTO v_partname
      FROM weekly_partitions w
     WHERE w.table_name = p_tablename AND NOT w.is_default AND w.week_begins = v_week;
    IF v_partname IS NULL AND partition_engine(p_tablename) = 'pg_partman' THEN
        EXECUTE format('SELECT %I.create_partition_time(%L, ARRAY[%L::timestamptz], false)',
                       pg_partman_schema(), 'public.' || p_tablename,
                       (v_week::timestamp AT TIME ZONE 'UTC')::text);
        SELECT w.partition_name INTO v_partname
          FROM weekly_partitions w
         WHERE w.table_name = p_tablename AND NOT w.is_default AND w.week_begins = v_week;
        IF v_partname IS NULL THEN
            RAISE EXCEPTION 'pg_partman created no partition of % for the week of %', p_tablename, v_week
                USING ERRCODE = 'internal_error',
                      HINT = format('look for a table named like pg_partman''s %s_p<year>w<week> that is not a partition', p_tablename);
        END IF;
    ELSIF v_partname IS NULL THEN
        v_partname := p_tablename || '_' || to_char(v_week, 'YYYYMMDD');
        IF upper(v_info.timetype) = 'DATE' THEN
            v_from := v_week::text;
            v_to := (v_week + 7)::text;
        ELSE
            v_from := (v_week::timestamp AT TIME ZONE 'UTC')::text;
            v_to := ((v_week + 7)::timestamp AT TIME ZONE 'UTC')::text;
        END IF;
        EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
                       v_partname, p_tablename, v_from, v_to);
    END IF;

    PERFORM apply_weekly_partition_registry(p_tablename, v_partname);
    RAISE NOTICE 'created partition % of % for the week of %', v_partname, p_tablename, v_week;
    RETURN v_partname;
END;
$$;
COMMENT ON FUNCTION create_weekly_partition(text, date) IS
'Creates the weekly partition (Monday-based, UTC) of a report_partition_info table through its engine (native or pg_partman) with the registry''s keys, indexes and WEEKNUM foreign keys; returns its name, or NULL when the week already has one. Called by weekly_report_partitions; rerun-safe.';
