-- pg_partman_schema() -> text
-- The schema the pg_partman extension is installed in (by convention `partman`), or NULL when
-- it is not installed in this database. Partition code calls pg_partman only through this
-- schema (dynamic SQL), so everything works on servers without the extension.
-- Callers: partition_engine, prepare_partitioned_table, weekly_report_partitions. Read-only.
CREATE OR REPLACE FUNCTION pg_partman_schema()
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT n.nspname::text
      FROM pg_extension e
      JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_partman';
$$;
COMMENT ON FUNCTION pg_partman_schema() IS
'Schema of the pg_partman extension in this database, NULL when it is not installed. Read-only.';
