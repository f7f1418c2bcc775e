-- weekly_report_partitions(p_numweeks int DEFAULT 2, p_targetdate timestamptz DEFAULT utc_now()) -> SETOF text
-- The weekly partition job (Socorro's WeeklyReportsPartitionsCronApp): for every
-- report_partition_info table, in build_order,
--   * prepares it (prepare_partitioned_table: converts a newly registered empty plain table,
--     registers pg_partman tables with partman.create_parent or releases them, drops an empty
--     DEFAULT partition, refuses one holding rows);
--   * under pg_partman runs partman.run_maintenance(<table>) (premake) and gives every
--     partition the registry's keys, indexes and foreign keys it lacks;
--   * creates every partition still missing for the week of p_targetdate and the p_numweeks
--     weeks after it.
-- One table's trouble (a table that cannot be converted, a DEFAULT partition holding rows, a
-- registry row naming no table...) does not stop the others: its work is rolled back, a
-- WARNING names the table with the error and its hint, and the next table is done.
-- Returns the partitions created, by week then build_order.
-- Holds an advisory lock, so concurrent runs queue up and the later ones find nothing to do.
-- Callers: the weekly-reports-partitions job, `crashstats setup admin` / `partitions create`,
-- writers meeting a week without partitions (SQLSTATE 23514: weekly_report_partitions(0, <row
-- time>), then retry the insert once). Rerun-safe.
CREATE OR REPLACE FUNCTION weekly_report_partitions(p_numweeks integer DEFAULT 2, p_targetdate timestamptz DEFAULT utc_now())
RETURNS SETOF text
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_before oid[];
    v_hint   text;
    v_error  text;
    v_state  text;
    v_table  text;
    v_week   date;
BEGIN
    IF p_numweeks IS NULL OR p_numweeks < 0 OR p_targetdate IS NULL THEN
        RAISE EXCEPTION 'weekly_report_partitions: numweeks must be 0 or more and targetdate given (got %, %)',
                        p_numweeks, p_targetdate
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('crashstats.partitions'));
    v_before := registry_partition_oids();
    v_week := week_begins_utc(p_targetdate);
    FOR v_table IN SELECT r.table_name::text FROM report_partition_info r ORDER BY r.build_order, r.table_name LOOP
        BEGIN
            PERFORM prepare_partitioned_table(v_table);
            IF partition_engine(v_table) = 'pg_partman' THEN
                EXECUTE format('SELECT %I.run_maintenance(p_parent_table := %L, p_jobmon := false)',
                               pg_partman_schema(), 'public.' || v_table);
                PERFORM apply_weekly_partition_registry(v_table);
            END IF;
            PERFORM backfill_weekly_report_partitions(v_week, v_week + 7 * p_numweeks, v_table);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_error = MESSAGE_TEXT, v_hint = PG_EXCEPTION_HINT, v_state = RETURNED_SQLSTATE;
            RAISE WARNING 'no weekly partitions made for %: %', v_table, v_error
                USING DETAIL = format('SQLSTATE %s; the other report_partition_info tables were done', v_state),
                      HINT = coalesce(nullif(v_hint, ''), 'correct the table or its report_partition_info row, then rerun weekly_report_partitions()');
        END;
    END LOOP;
    RETURN QUERY SELECT * FROM weekly_partitions_created_since(v_before);
END;
$$;
COMMENT ON FUNCTION weekly_report_partitions(integer, timestamptz) IS
'Weekly partition job: readies every report_partition_info table (conversion, engine, no DEFAULT partition), runs pg_partman maintenance for its tables, creates the missing partitions for the week of targetdate and numweeks weeks ahead; a table in trouble is skipped with a WARNING naming it, the others are done; returns what it created. Concurrent-safe (advisory lock) and rerun-safe.';
