-- report_partition_status: one row per report_partition_info table: its engine, whether it
-- is partitioned yet, how many weekly partitions it has, the first and last week, how many
-- start after now, whether a DEFAULT partition exists, and its truncation setting.
-- Callers: `crashstats partitions list`, monitoring, DBAs in psql. Read-only.
CREATE OR REPLACE VIEW report_partition_status AS
SELECT r.table_name::text AS table_name,
       r.build_order,
       partition_engine(r.table_name) AS engine,
       r.partition_column,
       upper(r.timetype) AS timetype,
       coalesce(c.relkind = 'p', false) AS partitioned,
       count(w.partition_name) FILTER (WHERE NOT w.is_default) AS partitions,
       min(w.week_begins) AS first_week,
       max(w.week_begins) AS last_week,
       count(w.partition_name) FILTER (WHERE NOT w.is_default AND w.range_from > utc_now()) AS upcoming,
       coalesce(bool_or(w.is_default), false) AS has_default,
       r.truncate_old,
       r.truncate_after_weeks
  FROM report_partition_info r
  LEFT JOIN pg_class c ON c.relname = r.table_name::text AND c.relnamespace = 'public'::regnamespace
                       AND c.relkind IN ('r', 'p')
  LEFT JOIN weekly_partitions w ON w.table_name = r.table_name::text
 GROUP BY r.table_name, r.build_order, r.partition_column, r.timetype, c.relkind, r.truncate_old,
          r.truncate_after_weeks;
COMMENT ON VIEW report_partition_status IS 'Per report_partition_info table: engine, partitioned or not, number of weekly partitions, first and last week, partitions starting after now, DEFAULT partition present, truncation setting. Read-only.';
