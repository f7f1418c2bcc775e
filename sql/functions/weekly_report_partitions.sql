-- weekly_report_partitions(p_numweeks int DEFAULT 2, p_targetdate timestamptz DEFAULT now()) -> SETOF text
-- Creates every missing partition of every report_partition_info table (in build_order) for the
-- week of p_targetdate and the p_numweeks weeks after it; returns the partitions it created.
-- Holds an advisory lock, so concurrent runs queue up and the later ones find nothing to do.
-- Callers: the weekly-reports-partitions job, `crashstats setup admin`, writers that meet a week
-- without partitions (weekly_report_partitions(0, <crash time>)). Rerun-safe.
CREATE OR REPLACE FUNCTION weekly_report_partitions(p_numweeks integer DEFAULT 2, p_targetdate timestamptz DEFAULT now())
RETURNS SETOF text
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_created text;
    v_table   text;
    v_week    date;
BEGIN
    IF p_numweeks IS NULL OR p_numweeks < 0 OR p_targetdate IS NULL THEN
        RAISE EXCEPTION 'weekly_report_partitions: numweeks must be 0 or more and targetdate given (got %, %)',
                        p_numweeks, p_targetdate
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('crashstats.partitions'));
    FOR v_week IN
        SELECT week_begins_utc(p_targetdate) + 7 * g FROM generate_series(0, p_numweeks) AS g
    LOOP
        FOR v_table IN SELECT table_name::text FROM report_partition_info ORDER BY build_order, table_name LOOP
            v_created := create_weekly_partition(v_table, v_week);
            IF v_created IS NOT NULL THEN
                RETURN NEXT v_created;
            END IF;
        END LOOP;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION weekly_report_partitions(integer, timestamptz) IS
'Creates the missing weekly partitions of every report_partition_info table for the week of targetdate and numweeks weeks ahead; returns what it created. Weekly job and setup admin; concurrent-safe (advisory lock) and rerun-safe.';
