-- partition_engine(p_tablename text) -> text
-- Which engine creates the weekly partitions of a report_partition_info table: its `engine`
-- column, else the database setting crashstats.partition_engine (ALTER DATABASE ... SET, see
-- set_partition_engine), else 'native'. With p_tablename NULL: the database default alone.
-- Callers: prepare_partitioned_table, create_weekly_partition, weekly_report_partitions,
-- missing_weekly_partitions, report_partition_status. Read-only.
CREATE OR REPLACE FUNCTION partition_engine(p_tablename text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_default text := nullif(btrim(current_setting('crashstats.partition_engine', true)), '');
    v_engine  text;
BEGIN
    IF v_default IS NOT NULL AND v_default NOT IN ('native', 'pg_partman') THEN
        RAISE EXCEPTION 'crashstats.partition_engine is "%", not native or pg_partman', v_default
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT set_partition_engine(''native'') (or ''pg_partman'') sets it for the database';
    END IF;
    IF p_tablename IS NULL THEN
        RETURN coalesce(v_default, 'native');
    END IF;
    SELECT r.engine INTO v_engine FROM report_partition_info r WHERE r.table_name = p_tablename;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'partition_engine: % is not in report_partition_info', p_tablename
            USING ERRCODE = 'undefined_object';
    END IF;
    RETURN coalesce(v_engine, v_default, 'native');
END;
$$;
COMMENT ON FUNCTION partition_engine(text) IS
'Engine (native or pg_partman) creating the partitions of a report_partition_info table: its engine column, else the database setting crashstats.partition_engine, else native; NULL table = the database default. Read-only.';
