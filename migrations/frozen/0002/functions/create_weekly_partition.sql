-- create_weekly_partition(p_tablename text, p_week date) -> text
-- Creates the partition of a report_partition_info table for the week containing p_week
-- (weeks start on Monday, UTC), named <table>_<YYYYMMDD>, with the registry's unique keys,
-- indexes and foreign keys (WEEKNUM in a referenced table name means "the same week's
-- partition of that table", found through the catalog). Returns the new partition's name,
-- or NULL when the week already has a partition (idempotent).
-- Callers: weekly_report_partitions (weekly job, setup admin, writers meeting a missing week).
CREATE OR REPLACE FUNCTION create_weekly_partition(p_tablename text, p_week date)
RETURNS text
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_cols      text;
    v_fkey      text;
    v_from      text;
    v_info      record;
    v_key       text;
    v_match     text[];
    v_partname  text;
    v_ref       text;
    v_relkind   "char";
    v_suffix    text;
    v_to        text;
    v_week      date := date_trunc('week', p_week)::date;
BEGIN
    IF p_week IS NULL THEN
        RAISE EXCEPTION 'create_weekly_partition: no week given for %', p_tablename
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('crashstats.partitions'));

    SELECT * INTO v_info FROM report_partition_info WHERE table_name = p_tablename;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'create_weekly_partition: % is not in report_partition_info', p_tablename
            USING ERRCODE = 'undefined_object',
                  HINT = 'add the table with an INSERT INTO report_partition_info (see the seed''s example)';
    END IF;
    SELECT c.relkind INTO v_relkind
      FROM pg_class c WHERE c.relname = p_tablename AND c.relnamespace = 'public'::regnamespace;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'create_weekly_partition: report_partition_info names % but there is no such table', p_tablename
            USING ERRCODE = 'undefined_table',
                  HINT = 'create the table (PARTITION BY RANGE on its partition_column) or delete the registry row';
    END IF;
    IF v_relkind <> 'p' THEN
        RAISE EXCEPTION 'create_weekly_partition: % is not a partitioned table', p_tablename
            USING ERRCODE = 'wrong_object_type',
                  HINT = format('recreate it with PARTITION BY RANGE (%s)', v_info.partition_column);
    END IF;

    IF EXISTS (SELECT 1 FROM weekly_partitions w
                WHERE w.table_name = p_tablename AND w.week_begins = v_week AND NOT w.is_default) THEN
        RETURN NULL;
    END IF;

    v_suffix := to_char(v_week, 'YYYYMMDD');
    v_partname := p_tablename || '_' || v_suffix;
    IF upper(v_info.timetype) = 'DATE' THEN
        v_from := v_week::text;
        v_to := (v_week + 7)::text;
    ELSE
        v_from := (v_week::timestamp AT TIME ZONE 'UTC')::text;
        v_to := ((v_week + 7)::timestamp AT TIME ZONE 'UTC')::text;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                   v_partname, p_tablename, v_from, v_to);

    -- one UNIQUE index per keys element, one index per indexes element ("a,b" = two columns)
    FOREACH v_key IN ARRAY v_info.keys LOOP
        SELECT string_agg(quote_ident(btrim(c)), ', ' ORDER BY n) INTO v_cols
          FROM unnest(string_to_array(v_key, ',')) WITH ORDINALITY AS t(c, n);
        EXECUTE format('CREATE UNIQUE INDEX %I ON %I (%s)',
                       left(v_partname || '_' || regexp_replace(v_key, '[^A-Za-z0-9_]+', '_', 'g') || '_key', 63),
                       v_partname, v_cols);
    END LOOP;
    FOREACH v_key IN ARRAY v_info.indexes LOOP
        SELECT string_agg(quote_ident(btrim(c)), ', ' ORDER BY n) INTO v_cols
          FROM unnest(string_to_array(v_key, ',')) WITH ORDINALITY AS t(c, n);
        EXECUTE format('CREATE INDEX %I ON %I (%s)',
                       left(v_partname || '_' || regexp_replace(v_key, '[^A-Za-z0-9_]+', '_', 'g') || '_idx', 63),
                       v_partname, v_cols);
    END LOOP;

    -- foreign keys: "(cols) REFERENCES table[_WEEKNUM](cols)"
    FOREACH v_fkey IN ARRAY v_info.fkeys LOOP
        v_match := regexp_match(v_fkey, '^\s*\(([^)]+)\)\s+REFERENCES\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]+)\)\s*$', 'i');
        IF v_match IS NULL THEN
            RAISE EXCEPTION 'create_weekly_partition: cannot read foreign key "%" of %', v_fkey, p_tablename
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'write fkeys elements as (column) REFERENCES table_WEEKNUM(column)';
        END IF;
        v_ref := v_match[2];
        IF v_ref ~ '_WEEKNUM$' THEN
            SELECT w.partition_name INTO v_ref
              FROM weekly_partitions w
             WHERE w.table_name = regexp_replace(v_match[2], '_WEEKNUM$', '') AND w.week_begins = v_week
               AND NOT w.is_default;
            IF v_ref IS NULL THEN
                RAISE EXCEPTION 'create_weekly_partition: % of week % references % of the same week, which has no partition',
                                p_tablename, v_week, regexp_replace(v_match[2], '_WEEKNUM$', '')
                    USING ERRCODE = 'undefined_table',
                          HINT = 'give the referenced table a lower build_order in report_partition_info';
            END IF;
        END IF;
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (%s) REFERENCES %I (%s) ON DELETE CASCADE ON UPDATE CASCADE',
                       v_partname,
                       left(v_partname || '_' || regexp_replace(v_match[1], '[^A-Za-z0-9_]+', '_', 'g') || '_fkey', 63),
                       (SELECT string_agg(quote_ident(btrim(c)), ', ') FROM unnest(string_to_array(v_match[1], ',')) c),
                       v_ref,
                       (SELECT string_agg(quote_ident(btrim(c)), ', ') FROM unnest(string_to_array(v_match[3], ',')) c));
    END LOOP;

    RAISE NOTICE 'created partition % of % for the week of %', v_partname, p_tablename, v_week;
    RETURN v_partname;
END;
$$;
COMMENT ON FUNCTION create_weekly_partition(text, date) IS
'Creates the weekly partition (Monday-based, UTC) of a report_partition_info table with the registry''s keys, indexes and WEEKNUM foreign keys; returns its name, or NULL when the week already has one. Called by weekly_report_partitions; rerun-safe.';
