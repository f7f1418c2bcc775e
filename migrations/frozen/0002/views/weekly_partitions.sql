-- weekly_partitions: every partition of a partitioned table in public, with its range, read from
-- the catalog (pg_inherits + the partition bounds). Code finds partitions here, never by
-- composing names, so partitions named by pg_partman (reports_p2026w48) and by us
-- (reports_20261123) look the same.
-- Callers: create_weekly_partition, find_weekly_partition, partition maintenance, monitoring.
CREATE OR REPLACE VIEW weekly_partitions AS
SELECT parent.relname::text AS table_name,
       child.relname::text AS partition_name,
       bound.is_default,
       bound.range_from,
       bound.range_to,
       (bound.range_from AT TIME ZONE 'UTC')::date AS week_begins,
       keytype.type_name AS key_type
  FROM pg_inherits inh
  JOIN pg_class parent ON parent.oid = inh.inhparent
  JOIN pg_class child ON child.oid = inh.inhrelid
  JOIN pg_partitioned_table pt ON pt.partrelid = parent.oid
  CROSS JOIN LATERAL (
      SELECT format_type(a.atttypid, a.atttypmod) AS type_name
        FROM pg_attribute a
       WHERE a.attrelid = parent.oid AND a.attnum = pt.partattrs[0]
  ) AS keytype
  CROSS JOIN LATERAL (
      SELECT regexp_match(pg_get_expr(child.relpartbound, child.oid),
                          $re$^FOR VALUES FROM \('([^']*)'\) TO \('([^']*)'\)$$re$) AS m,
             pg_get_expr(child.relpartbound, child.oid) = 'DEFAULT' AS is_default
  ) AS raw
  CROSS JOIN LATERAL (
      SELECT raw.is_default,
             CASE WHEN keytype.type_name = 'date' THEN raw.m[1]::date::timestamp AT TIME ZONE 'UTC'
                  ELSE raw.m[1]::timestamptz END AS range_from,
             CASE WHEN keytype.type_name = 'date' THEN raw.m[2]::date::timestamp AT TIME ZONE 'UTC'
                  ELSE raw.m[2]::timestamptz END AS range_to
  ) AS bound
 WHERE parent.relnamespace = 'public'::regnamespace;
COMMENT ON VIEW weekly_partitions IS 'Partitions of the partitioned tables, from the catalog: table, partition, range (UTC), the Monday it starts on, whether it is a DEFAULT partition. Read-only.';
