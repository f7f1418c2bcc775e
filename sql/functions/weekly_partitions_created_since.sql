-- weekly_partitions_created_since(p_before oid[]) -> SETOF text
-- Partitions of report_partition_info tables that are not in p_before (an array of partition
-- oids taken earlier with registry_partition_oids()), ordered by week then build_order: what a
-- maintenance call created, including the extra weeks pg_partman premade.
-- Callers: weekly_report_partitions, backfill_weekly_report_partitions. Read-only.
CREATE OR REPLACE FUNCTION weekly_partitions_created_since(p_before oid[])
RETURNS SETOF text
LANGUAGE sql STABLE
SET "TimeZone" TO 'UTC'
AS $$
    WITH registry_parts AS MATERIALIZED (
        SELECT i.inhrelid AS oid, r.build_order, p.relname::text AS table_name
          FROM pg_inherits i
          JOIN pg_class p ON p.oid = i.inhparent
          JOIN report_partition_info r ON r.table_name::text = p.relname::text
         WHERE p.relnamespace = 'public'::regnamespace
    ), new_oids AS MATERIALIZED (
        SELECT rp.oid FROM registry_parts rp
        EXCEPT
        SELECT b.oid FROM unnest(p_before) AS b(oid)
    )
    SELECT c.relname::text
      FROM new_oids n
      JOIN registry_parts rp ON rp.oid = n.oid
      JOIN pg_class c ON c.oid = n.oid
     -- by the lower bound: '2026-11-23 00:00:00+00', or '2026-11-23' for a DATE key (UTC midnight)
     ORDER BY split_part(pg_get_expr(c.relpartbound, 0), '''', 2)::timestamptz, rp.build_order, rp.table_name;
$$;
COMMENT ON FUNCTION weekly_partitions_created_since(oid[]) IS
'Partitions of report_partition_info tables missing from an earlier registry_partition_oids() snapshot, by week then build_order. Read-only.';
