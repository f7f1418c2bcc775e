-- drop_old_partitions(p_mastername text, p_cutoffdate date, p_force boolean DEFAULT false,
--                     p_dry_run boolean DEFAULT false)
--   -> TABLE (table_name text, partition_name text, week_begins date)
-- Drops the partitions of a partitioned table whose whole range lies before p_cutoffdate
-- (00:00 UTC), whatever their names (found through the catalog: native and pg_partman alike).
-- Refuses a cutoff less than 12 months back unless p_force, and then drops nothing.
-- p_dry_run lists what it would drop and drops nothing. Takes the parent's ACCESS EXCLUSIVE
-- lock with NOWAIT retries (try_lock_table) so it never queues behind long reports.
-- A partition still referenced by another week's foreign key (plugins_reports_W ->
-- reports_W) stops it, nothing dropped, with a hint: drop_named_partitions drops dependants
-- first. All the partitions go in one DROP TABLE statement.
-- Callers: drop_named_partitions, `crashstats partitions drop-old --table`. Rerun-safe.
CREATE OR REPLACE FUNCTION drop_old_partitions(p_mastername text, p_cutoffdate date, p_force boolean DEFAULT false,
                                               p_dry_run boolean DEFAULT false)
RETURNS TABLE (table_name text, partition_name text, week_begins date)
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_detail   text;
    v_earliest date := (utc_today() - interval '12 months')::date;
    v_parts    text[];
    v_weeks    date[];
BEGIN
    IF p_mastername IS NULL OR p_cutoffdate IS NULL THEN
        RAISE EXCEPTION 'drop_old_partitions: a table and a cutoff date are required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_class c
                    WHERE c.relname = p_mastername AND c.relnamespace = 'public'::regnamespace AND c.relkind = 'p') THEN
        RAISE EXCEPTION 'drop_old_partitions: % is not a partitioned table', p_mastername
            USING ERRCODE = 'wrong_object_type';
    END IF;
    IF p_cutoffdate > v_earliest AND NOT coalesce(p_force, false) THEN
        RAISE EXCEPTION 'drop_old_partitions: cutoff % is less than 12 months back (the latest allowed is %); nothing dropped',
                        p_cutoffdate, v_earliest
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'to drop newer data on purpose pass p_force => true (crashstats partitions drop-old --force)';
    END IF;

    SELECT coalesce(array_agg(w.partition_name ORDER BY w.range_from), '{}'),
           coalesce(array_agg(w.week_begins ORDER BY w.range_from), '{}')
      INTO v_parts, v_weeks
      FROM weekly_partitions w
     WHERE w.table_name = p_mastername AND NOT w.is_default
       AND w.range_to <= (p_cutoffdate::timestamp AT TIME ZONE 'UTC');
    IF cardinality(v_parts) > 0 AND NOT coalesce(p_dry_run, false) THEN
        IF NOT try_lock_table(p_mastername, 'ACCESS EXCLUSIVE') THEN
            RAISE EXCEPTION 'drop_old_partitions: % stayed busy; nothing dropped', p_mastername
                USING ERRCODE = 'lock_not_available',
                      HINT = 'run it again when long queries on the table are done';
        END IF;
        BEGIN
            -- one statement for all of them: much cheaper than one DROP per partition
            EXECUTE 'DROP TABLE ' || (SELECT string_agg(format('public.%I', p), ', ') FROM unnest(v_parts) AS p);
        EXCEPTION WHEN dependent_objects_still_exist THEN
            GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
            RAISE EXCEPTION 'drop_old_partitions: partitions of % are still referenced by another table''s partitions; nothing dropped', p_mastername
                USING ERRCODE = 'dependent_objects_still_exist',
                      DETAIL = v_detail,
                      HINT = 'drop the referencing table''s partitions first (drop_named_partitions drops in reverse build_order)';
        END;
        RAISE NOTICE 'dropped % partitions of % (weeks of % to %)', cardinality(v_parts), p_mastername,
                     v_weeks[1], v_weeks[cardinality(v_weeks)];
    END IF;
    RETURN QUERY SELECT p_mastername, t.part, t.week FROM unnest(v_parts, v_weeks) AS t(part, week);
END;
$$;
COMMENT ON FUNCTION drop_old_partitions(text, date, boolean, boolean) IS
'Drops (or with dry_run lists) the partitions of a table lying wholly before the cutoff date, found through the catalog; refuses a cutoff less than 12 months back unless forced. Called by drop_named_partitions; rerun-safe.';
