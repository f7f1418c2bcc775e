-- find_weekly_partition(p_date date, p_tablename text) -> text
-- The partition of p_tablename holding the UTC day p_date, found through the catalog; raises
-- undefined_table naming the missing week when there is none.
-- Callers: procedures that write one week's partition directly; DBAs. Read-only.
CREATE OR REPLACE FUNCTION find_weekly_partition(p_date date, p_tablename text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_name text;
BEGIN
    SELECT w.partition_name INTO v_name
      FROM weekly_partitions w
     WHERE w.table_name = p_tablename AND NOT w.is_default
       AND (p_date::timestamp AT TIME ZONE 'UTC') >= w.range_from
       AND (p_date::timestamp AT TIME ZONE 'UTC') < w.range_to;
    IF v_name IS NULL THEN
        RAISE EXCEPTION 'no partition of % for % (week of %)', p_tablename, p_date, date_trunc('week', p_date)::date
            USING ERRCODE = 'undefined_table',
                  HINT = format('create it with: SELECT weekly_report_partitions(0, %L)', p_date);
    END IF;
    RETURN v_name;
END;
$$;
COMMENT ON FUNCTION find_weekly_partition(date, text) IS
'Name of the partition of a table that holds the given UTC day (from the catalog, whatever its naming); raises undefined_table when the week has none. Read-only.';
