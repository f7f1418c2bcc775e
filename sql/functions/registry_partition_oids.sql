-- registry_partition_oids() -> oid[]
-- The oids of every partition of every report_partition_info table, right now: a snapshot
-- that weekly_partitions_created_since compares with after creating partitions.
-- Callers: weekly_report_partitions, backfill_weekly_report_partitions. Read-only.
CREATE OR REPLACE FUNCTION registry_partition_oids()
RETURNS oid[]
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(array_agg(i.inhrelid), '{}')
      FROM pg_inherits i
      JOIN pg_class p ON p.oid = i.inhparent
      JOIN report_partition_info r ON r.table_name::text = p.relname::text
     WHERE p.relnamespace = 'public'::regnamespace;
$$;
COMMENT ON FUNCTION registry_partition_oids() IS
'Oids of all partitions of the report_partition_info tables (a before-snapshot for weekly_partitions_created_since). Read-only.';
