-- check_partitions(p_tables text[], p_numpartitions integer, OUT result integer, OUT data text)
-- Monitoring (Socorro's Nagios check): for each table (NULL or '{}' = every report_partition_info
-- table) the partitions must cover the current week (UTC) and at least p_numpartitions
-- partitions must start after now; no DEFAULT partition may exist.
-- result is a Nagios status: 0 OK, 1 WARNING (too few upcoming partitions), 2 CRITICAL (no
-- partition for this week, a DEFAULT partition, or not a partitioned table); data is the line
-- a check prints ("PARTITIONS OK - ...").
-- Callers: monitoring (`crashstats partitions check`), setup admin. Read-only.
CREATE OR REPLACE FUNCTION check_partitions(p_tables text[], p_numpartitions integer, OUT result integer, OUT data text)
RETURNS record
LANGUAGE plpgsql STABLE
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_critical text[] := '{}';
    v_current  boolean;
    v_default  text;
    v_future   integer;
    v_table    text;
    v_tables   text[];
    v_warning  text[] := '{}';
BEGIN
    IF p_numpartitions IS NULL OR p_numpartitions < 0 THEN
        RAISE EXCEPTION 'check_partitions: numpartitions must be 0 or more (got %)', p_numpartitions
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_tables := CASE WHEN coalesce(cardinality(p_tables), 0) = 0
                     THEN ARRAY(SELECT r.table_name::text FROM report_partition_info r ORDER BY r.build_order, r.table_name)
                     ELSE p_tables END;
    FOREACH v_table IN ARRAY v_tables LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_class c
                        WHERE c.relname = v_table AND c.relnamespace = 'public'::regnamespace AND c.relkind = 'p') THEN
            v_critical := v_critical || format('%s is not a partitioned table', v_table);
            CONTINUE;
        END IF;
        SELECT bool_or(NOT w.is_default AND utc_now() >= w.range_from AND utc_now() < w.range_to),
               count(*) FILTER (WHERE NOT w.is_default AND w.range_from > utc_now()),
               min(w.partition_name) FILTER (WHERE w.is_default)
          INTO v_current, v_future, v_default
          FROM weekly_partitions w WHERE w.table_name = v_table;
        IF v_default IS NOT NULL THEN
            v_critical := v_critical || format('%s has a DEFAULT partition (%s)', v_table, v_default);
        END IF;
        IF NOT coalesce(v_current, false) THEN
            v_critical := v_critical || format('%s has no partition for the week of %s', v_table, week_begins_utc(utc_now()));
        END IF;
        IF coalesce(v_future, 0) < p_numpartitions THEN
            v_warning := v_warning || format('%s has %s upcoming weekly partitions (want %s)',
                                             v_table, coalesce(v_future, 0), p_numpartitions);
        END IF;
    END LOOP;
    IF cardinality(v_critical) > 0 THEN
        result := 2;
        data := 'PARTITIONS CRITICAL - ' || array_to_string(v_critical || v_warning, '; ');
    ELSIF cardinality(v_warning) > 0 THEN
        result := 1;
        data := 'PARTITIONS WARNING - ' || array_to_string(v_warning, '; ');
    ELSE
        result := 0;
        data := format('PARTITIONS OK - %s tables have this week''s partition and at least %s upcoming',
                       cardinality(v_tables), p_numpartitions);
    END IF;
END;
$$;
COMMENT ON FUNCTION check_partitions(text[], integer) IS
'Nagios-style partition check: result 0 OK, 1 WARNING (fewer than numpartitions upcoming weekly partitions), 2 CRITICAL (no partition for the current week, a DEFAULT partition, not partitioned); data is the status line. NULL tables = the whole registry. Read-only.';
