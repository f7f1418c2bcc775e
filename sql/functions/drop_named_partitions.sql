-- drop_named_partitions(p_cutoffdate date, p_force boolean DEFAULT false, p_dry_run boolean DEFAULT false)
--   -> TABLE (table_name text, partition_name text, week_begins date)
-- Socorro's DropOldPartitionsCronApp: drop_old_partitions(<table>, p_cutoffdate) for every
-- report_partition_info table partitioned on date_processed (the report_date aggregates such
-- as signature_summary_* are kept), dependants first (reverse build_order), so WEEKNUM
-- foreign keys never block a drop. Same 12-month guard, force and dry run as drop_old_partitions;
-- a refused cutoff drops nothing at all. Registered tables that are not partitioned (yet) are
-- skipped. Both engines alike: partitions are found through the catalog.
-- Callers: the drop-old-partitions job (drop_named_partitions(retention_cutoff(12))),
-- `crashstats partitions drop-old`. Rerun-safe.
CREATE OR REPLACE FUNCTION drop_named_partitions(p_cutoffdate date, p_force boolean DEFAULT false,
                                                 p_dry_run boolean DEFAULT false)
RETURNS TABLE (table_name text, partition_name text, week_begins date)
LANGUAGE plpgsql
AS $$
DECLARE
    v_table text;
BEGIN
    FOR v_table IN
        SELECT r.table_name::text
          FROM report_partition_info r
          JOIN pg_class c ON c.relname = r.table_name::text AND c.relnamespace = 'public'::regnamespace
         WHERE r.partition_column = 'date_processed' AND c.relkind = 'p'
         ORDER BY r.build_order DESC, r.table_name DESC
    LOOP
        RETURN QUERY SELECT * FROM drop_old_partitions(v_table, p_cutoffdate, p_force, p_dry_run);
    END LOOP;
END;
$$;
COMMENT ON FUNCTION drop_named_partitions(date, boolean, boolean) IS
'Drops (or with dry_run lists) the partitions before the cutoff of every date_processed table in report_partition_info, dependants first; refuses a cutoff less than 12 months back unless forced. Weekly drop job; rerun-safe.';
