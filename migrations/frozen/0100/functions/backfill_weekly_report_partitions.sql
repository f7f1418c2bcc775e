-- backfill_weekly_report_partitions(p_start date, p_end date, p_tablename text DEFAULT NULL) -> SETOF text
-- Creates every missing weekly partition from the week of p_start through the week of p_end,
-- of one report_partition_info table or (NULL) of all of them in build_order, with the
-- registry's keys, indexes and foreign keys; returns the partitions created (week, then
-- build_order), including any a referenced table needed and any pg_partman premade.
-- At most 530 weeks (about 10 years) per call. Holds the partition advisory lock.
-- Callers: DBAs loading old data, `crashstats partitions create --from/--to`,
-- weekly_report_partitions. Rerun-safe.
CREATE OR REPLACE FUNCTION backfill_weekly_report_partitions(p_start date, p_end date, p_tablename text DEFAULT NULL)
RETURNS SETOF text
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_before oid[];
    v_need   record;
BEGIN
    IF p_start IS NULL OR p_end IS NULL OR p_start > p_end THEN
        RAISE EXCEPTION 'backfill_weekly_report_partitions: need a start date on or before the end date (got % and %)',
                        p_start, p_end
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_end - p_start > 530 * 7 THEN
        RAISE EXCEPTION 'backfill_weekly_report_partitions: % to % is more than 530 weeks', p_start, p_end
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'backfill in several calls of up to 10 years each';
    END IF;
    IF p_tablename IS NOT NULL AND NOT EXISTS (SELECT 1 FROM report_partition_info r WHERE r.table_name = p_tablename) THEN
        RAISE EXCEPTION 'backfill_weekly_report_partitions: % is not in report_partition_info', p_tablename
            USING ERRCODE = 'undefined_object',
                  HINT = 'add the table with an INSERT INTO report_partition_info (see the seed''s example)';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('crashstats.partitions'));
    v_before := registry_partition_oids();
    FOR v_need IN SELECT * FROM missing_weekly_partitions(p_start, p_end, p_tablename) LOOP
        PERFORM create_weekly_partition(v_need.table_name, v_need.week_begins);
    END LOOP;
    RETURN QUERY SELECT * FROM weekly_partitions_created_since(v_before);
END;
$$;
COMMENT ON FUNCTION backfill_weekly_report_partitions(date, date, text) IS
'Creates the missing weekly partitions from the week of start through the week of end, of one report_partition_info table or all; returns what it created. For loading old data and the weekly job; concurrent-safe (advisory lock) and rerun-safe.';
