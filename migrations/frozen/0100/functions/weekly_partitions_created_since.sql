-- weekly_partitions_created_since(p_before oid[]) -> SETOF text
-- Partitions of report_partition_info tables that are not in p_before (an array of partition
-- oids taken earlier with registry_partition_oids()), ordered by week then build_order: what a
-- maintenance call created, including the extra weeks pg_partman premade.
-- Callers: weekly_report_partitions, backfill_weekly_report_partitions. Read-only.
CREATE OR REPLACE FUNCTION weekly_partitions_created_since(p_before oid[])
RETURNS SETOF text
LANGUAGE sql STABLE
AS $$
    WITH new_parts AS (
        SELECT c.relname::text AS partition_name
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_class p ON p.oid = i.inhparent
          JOIN report_partition_info r ON r.table_name::text = p.relname::text
         WHERE p.relnamespace = 'public'::regnamespace
           AND NOT EXISTS (SELECT 1 FROM unnest(p_before) AS b(oid) WHERE b.oid = i.inhrelid)
    )
    SELECT w.partition_name
      FROM weekly_partitions w
      JOIN report_partition_info r ON r.table_name::text = w.table_name
     WHERE w.partition_name IN (SELECT n.partition_name FROM new_parts n)
     ORDER BY w.range_from, r.build_order, w.table_name;
$$;
COMMENT ON FUNCTION weekly_partitions_created_since(oid[]) IS
'Partitions of report_partition_info tables missing from an earlier registry_partition_oids() snapshot, by week then build_order. Read-only.';
