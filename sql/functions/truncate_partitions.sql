-- truncate_partitions(p_weeks_to_keep integer DEFAULT 26, p_dry_run boolean DEFAULT false)
--   -> TABLE (table_name text, partition_name text, week_begins date)
-- Socorro's TruncatePartitionsCronApp: empties (TRUNCATE; the partitions stay) the partitions
-- of every report_partition_info table marked truncate_old (seed: raw_crashes and
-- processed_crashes) whose whole week ended more than N weeks ago, N being the table's
-- truncate_after_weeks or else p_weeks_to_keep. A DBA extends it with
-- UPDATE report_partition_info SET truncate_old = true [, truncate_after_weeks = N] WHERE ...
-- Weeks whose partitions are all empty are left alone; one week's partitions are truncated
-- in one statement, so marked tables joined by WEEKNUM foreign keys go together. Returns the
-- partitions that held rows.
-- p_dry_run lists and changes nothing.
-- Partitions are found through the catalog (both engines). Locks each partition with NOWAIT
-- retries (try_lock_table).
-- Callers: the truncate-partitions job, `crashstats partitions truncate`. Rerun-safe.
CREATE OR REPLACE FUNCTION truncate_partitions(p_weeks_to_keep integer DEFAULT 26, p_dry_run boolean DEFAULT false)
RETURNS TABLE (table_name text, partition_name text, week_begins date)
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_full    text[];
    v_hasrows boolean;
    v_i       integer;
    v_week    record;
BEGIN
    IF p_weeks_to_keep IS NULL OR p_weeks_to_keep < 1 THEN
        RAISE EXCEPTION 'truncate_partitions: weeks_to_keep must be 1 or more (got %)', p_weeks_to_keep
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'the current week is never truncated';
    END IF;
    FOR v_week IN
        SELECT w.week_begins,
               array_agg(w.table_name ORDER BY r.build_order, w.table_name) AS tables,
               array_agg(w.partition_name ORDER BY r.build_order, w.table_name) AS parts
          FROM report_partition_info r
          JOIN weekly_partitions w ON w.table_name = r.table_name::text
         WHERE r.truncate_old AND NOT w.is_default
           AND w.range_to <= utc_now() - make_interval(weeks => coalesce(r.truncate_after_weeks, p_weeks_to_keep))
         GROUP BY w.week_begins
         ORDER BY w.week_begins
    LOOP
        v_full := '{}';
        FOR v_i IN 1 .. cardinality(v_week.parts) LOOP
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM public.%I)', v_week.parts[v_i]) INTO STRICT v_hasrows;
            IF v_hasrows THEN
                v_full := v_full || v_i::text;
            END IF;
        END LOOP;
        CONTINUE WHEN cardinality(v_full) = 0;
        -- all of the week's candidates go in one TRUNCATE (foreign keys between them); the
        -- ones that held rows are reported
        PERFORM truncate_partitions_now(v_week.parts, p_dry_run);
        RETURN QUERY SELECT v_week.tables[i::integer], v_week.parts[i::integer], v_week.week_begins
                       FROM unnest(v_full) AS i;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION truncate_partitions(integer, boolean) IS
'Truncates (or with dry_run lists), week by week, the partitions older than N weeks of every report_partition_info table marked truncate_old (N = its truncate_after_weeks, else weeks_to_keep, default 26); the tables stay. Weekly truncate job; rerun-safe.';
