-- missing_weekly_partitions(p_from date, p_to date, p_tablename text DEFAULT NULL)
--   -> TABLE (table_name text, week_begins date, engine text)
-- The weeks (Mondays, UTC) from the week of p_from through the week of p_to for which a
-- report_partition_info table (all of them, or p_tablename) has no partition, in creation
-- order (week, then build_order). A week counts as present when any partition overlaps it.
-- Callers: backfill_weekly_report_partitions (what to create), `crashstats partitions create
-- --dry-run` (what would be created). Read-only.
CREATE OR REPLACE FUNCTION missing_weekly_partitions(p_from date, p_to date, p_tablename text DEFAULT NULL)
RETURNS TABLE (table_name text, week_begins date, engine text)
LANGUAGE sql STABLE
SET "TimeZone" TO 'UTC'
AS $$
    WITH weeks AS (
        SELECT g::date AS week
          FROM generate_series(date_trunc('week', p_from::timestamp), date_trunc('week', p_to::timestamp),
                               interval '7 days') AS g
    ), registry AS (
        SELECT r.table_name::text AS table_name, r.build_order
          FROM report_partition_info r
         WHERE p_tablename IS NULL OR r.table_name = p_tablename
    ), present AS MATERIALIZED (
        SELECT p.table_name, p.range_from, p.range_to
          FROM weekly_partitions p
         WHERE NOT p.is_default AND p.table_name IN (SELECT registry.table_name FROM registry)
    )
    SELECT r.table_name, w.week, partition_engine(r.table_name)
      FROM registry r
     CROSS JOIN weeks w
     WHERE NOT EXISTS (SELECT 1 FROM present p
                        WHERE p.table_name = r.table_name
                          AND p.range_from < ((w.week + 7)::timestamp AT TIME ZONE 'UTC')
                          AND p.range_to > (w.week::timestamp AT TIME ZONE 'UTC'))
     ORDER BY w.week, r.build_order, r.table_name;
$$;
COMMENT ON FUNCTION missing_weekly_partitions(date, date, text) IS
'Weeks from the week of p_from through the week of p_to that a report_partition_info table (all, or the one named) has no partition for, in creation order, with the engine that would create them. Read-only.';
