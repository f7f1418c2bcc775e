-- weekly_partitions: every partition of a partitioned table in public, with its range, read from
-- the catalog (pg_inherits + the partition bounds). Code finds partitions here, never by
-- composing names, so partitions named by pg_partman (reports_p2026w48) and by us
-- (reports_20261123) look the same.
-- The bound is deparsed once per partition (pg_get_expr, no relation needed for constants) and
-- cut at its quotes: FOR VALUES FROM ('<from>') TO ('<to>'). Filter on table_name where you can:
-- that condition is applied before any bound is deparsed.
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
  JOIN LATERAL (
      SELECT format_type(a.atttypid, a.atttypmod) AS type_name
        FROM pg_attribute a
       WHERE a.attrelid = parent.oid AND a.attnum = pt.partattrs[0]
  ) AS keytype ON true
  CROSS JOIN LATERAL (
      SELECT pg_get_expr(child.relpartbound, 0) AS expr
      OFFSET 0  -- keeps this subquery: the bound is deparsed once per partition, not per use
  ) AS raw
  CROSS JOIN LATERAL (
      SELECT raw.expr = 'DEFAULT' AS is_default,
             CASE WHEN raw.expr = 'DEFAULT' THEN NULL
                  WHEN keytype.type_name = 'date' THEN split_part(raw.expr, '''', 2)::date::timestamp AT TIME ZONE 'UTC'
                  ELSE split_part(raw.expr, '''', 2)::timestamptz END AS range_from,
             CASE WHEN raw.expr = 'DEFAULT' THEN NULL
                  WHEN keytype.type_name = 'date' THEN split_part(raw.expr, '''', 4)::date::timestamp AT TIME ZONE 'UTC'
                  ELSE split_part(raw.expr, '''', 4)::timestamptz END AS range_to
  ) AS bound
 WHERE parent.relnamespace = 'public'::regnamespace;
COMMENT ON VIEW weekly_partitions IS 'Partitions of the partitioned tables, from the catalog: table, partition, range (UTC), the Monday it starts on, whether it is a DEFAULT partition. Read-only.';
