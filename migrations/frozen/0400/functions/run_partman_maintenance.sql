-- run_partman_maintenance() -> integer
-- pg_partman's maintenance for the tables handed to it: when the pg_partman extension is
-- installed in this database and manages at least one table (its part_config), calls its
-- run_maintenance() (creating upcoming partitions, applying its retention) and returns the
-- number of managed tables; otherwise says so in a NOTICE and returns 0.
-- Callers: the partman-maintenance job. Rerun-safe.
CREATE OR REPLACE FUNCTION run_partman_maintenance()
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_schema text;
    v_tables integer;
BEGIN
    SELECT n.nspname INTO v_schema
      FROM pg_extension e
      JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pg_partman';
    IF v_schema IS NULL THEN
        RAISE NOTICE 'pg_partman is not installed in this database: no partman-managed tables to maintain';
        RETURN 0;
    END IF;
    EXECUTE format('SELECT count(*) FROM %I.part_config', v_schema) INTO v_tables;
    IF v_tables = 0 THEN
        RAISE NOTICE 'pg_partman manages no table in this database: nothing to maintain';
        RETURN 0;
    END IF;
    EXECUTE format('SELECT %I.run_maintenance(p_analyze := false)', v_schema);
    RAISE NOTICE 'pg_partman maintenance ran for % table(s)', v_tables;
    RETURN v_tables;
END;
$$;
COMMENT ON FUNCTION run_partman_maintenance() IS
'Runs pg_partman''s run_maintenance() when the extension is installed and manages tables; returns how many it manages (0 and a NOTICE otherwise). Called by the partman-maintenance job; rerun-safe.';
