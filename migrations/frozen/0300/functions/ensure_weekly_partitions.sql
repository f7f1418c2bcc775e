-- ensure_weekly_partitions(p_from timestamptz, p_to timestamptz, VARIADIC p_tables text[]) -> void
-- Makes sure every week touched by [p_from, p_to) has a partition of each named table before a
-- set-based insert into the parent, calling weekly_report_partitions(0, <week>) (the writer
-- contract: the registry decides keys and indexes) for weeks that have none.
-- Callers: update_reports_clean, update_signature_summary_*. Rerun-safe.
CREATE OR REPLACE FUNCTION ensure_weekly_partitions(p_from timestamptz, p_to timestamptz, VARIADIC p_tables text[])
RETURNS void
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_week date;
BEGIN
    FOR v_week IN
        SELECT generate_series(week_begins_utc(p_from), week_begins_utc(p_to - interval '1 microsecond'), interval '7 days')::date
    LOOP
        IF EXISTS (
            SELECT 1 FROM unnest(p_tables) AS t(name)
             WHERE NOT EXISTS (
                 SELECT 1 FROM weekly_partitions w
                  WHERE w.table_name = t.name AND NOT w.is_default
                    AND w.range_from <= v_week::timestamp AT TIME ZONE 'UTC'
                    AND w.range_to > v_week::timestamp AT TIME ZONE 'UTC'))
        THEN
            PERFORM weekly_report_partitions(0, v_week::timestamp AT TIME ZONE 'UTC');
        END IF;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION ensure_weekly_partitions(timestamptz, timestamptz, text[]) IS
'Creates (through weekly_report_partitions) the missing weekly partitions of the named tables for every week between two times, before a set-based insert. Called by report procedures writing partitioned tables; rerun-safe.';
