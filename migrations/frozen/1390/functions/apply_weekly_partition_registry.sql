-- apply_weekly_partition_registry(p_tablename text, p_partname text DEFAULT NULL) -> integer
-- Gives a weekly partition of a report_partition_info table what the registry asks for: one
-- UNIQUE index per `keys` element, one index per `indexes` element ("a,b" = two columns, a btree;
-- "brin:a" = a BRIN index, for a column that grows with the rows, such as the time a crash was
-- processed: it costs next to nothing per row where a btree costs microseconds) and the `fkeys`
-- clauses, where a table named <t>_WEEKNUM means the partition of <t> for the same
-- week (found through the catalog, created when missing). Only what is missing is created, so
-- it also finishes partitions pg_partman made; a copy of a parent's index that took the name of
-- a registry index is renamed out of its way. p_partname NULL = every partition of the table
-- that is not finished yet (no index, or no foreign key, where the registry asks for some).
-- Returns how many indexes and constraints it created.
-- Callers: create_weekly_partition, prepare_partitioned_table, weekly_report_partitions.
-- Rerun-safe.
CREATE OR REPLACE FUNCTION apply_weekly_partition_registry(p_tablename text, p_partname text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_cols     text;
    v_created  integer := 0;
    v_element  text;
    v_method   text;
    v_info     record;
    v_match    text[];
    v_name     text;
    v_parent_index text;
    v_part     record;
    v_ref      text;
    v_reftable text;
    v_todo     text[];
BEGIN
    SELECT * INTO v_info FROM report_partition_info r WHERE r.table_name = p_tablename;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'apply_weekly_partition_registry: % is not in report_partition_info', p_tablename
            USING ERRCODE = 'undefined_object';
    END IF;

    IF p_partname IS NOT NULL THEN
        v_todo := ARRAY[p_partname];
    ELSE
        -- unfinished partitions: one of the registry's keys or indexes is missing (indexes
        -- declared on the parent do not count: every partition inherits those), or no foreign
        -- key although it asks for some (a partition is finished in one transaction)
        SELECT coalesce(array_agg(c.relname::text ORDER BY c.relname), '{}') INTO v_todo
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = format('public.%I', p_tablename)::regclass
           AND (EXISTS (SELECT 1 FROM unnest(v_info.keys) AS k(element)
                         WHERE to_regclass(format('public.%I',
                                   partition_object_name(c.relname, k.element, 'key'))) IS NULL)
                OR EXISTS (SELECT 1 FROM unnest(v_info.indexes) AS x(element)
                            CROSS JOIN LATERAL (SELECT to_regclass(format('public.%I',
                                      partition_object_name(c.relname, x.element, 'idx'))) AS oid) AS ix
                            WHERE ix.oid IS NULL
                               OR EXISTS (SELECT 1 FROM pg_inherits ii WHERE ii.inhrelid = ix.oid))
                OR (cardinality(v_info.fkeys) > 0
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f')));
    END IF;
    FOR v_part IN
        SELECT w.partition_name, w.week_begins
          FROM unnest(v_todo) AS t(name)
          CROSS JOIN LATERAL (SELECT w1.partition_name, w1.week_begins, w1.range_from
                                FROM weekly_partitions w1
                               WHERE w1.table_name = p_tablename AND w1.partition_name = t.name
                                 AND NOT w1.is_default) AS w
         ORDER BY w.range_from
    LOOP
        FOREACH v_element IN ARRAY v_info.keys LOOP
            v_name := partition_object_name(v_part.partition_name, v_element, 'key');
            CONTINUE WHEN to_regclass(format('public.%I', v_name)) IS NOT NULL;
            SELECT string_agg(quote_ident(btrim(c)), ', ' ORDER BY n) INTO v_cols
              FROM unnest(string_to_array(v_element, ',')) WITH ORDINALITY AS t(c, n);
            EXECUTE format('CREATE UNIQUE INDEX %I ON %I (%s)', v_name, v_part.partition_name, v_cols);
            v_created := v_created + 1;
        END LOOP;
        FOREACH v_element IN ARRAY v_info.indexes LOOP
            v_name := partition_object_name(v_part.partition_name, v_element, 'idx');
            -- CREATE TABLE ... PARTITION OF names the copies of the parent's own indexes
            -- <partition>_<columns>_idx too (the signature trigram index took
            -- reports_<week>_signature_idx): such a copy is not the registry's index, so it is
            -- renamed after its parent index and the registry's is created under its name
            SELECT p.relname::text INTO v_parent_index
              FROM pg_inherits ii JOIN pg_class p ON p.oid = ii.inhparent
             WHERE ii.inhrelid = to_regclass(format('public.%I', v_name));
            IF v_parent_index IS NOT NULL THEN
                EXECUTE format('ALTER INDEX %I RENAME TO %I', v_name,
                               partition_object_name(v_part.partition_name,
                                                     regexp_replace(v_parent_index, '^' || p_tablename || '_', ''), 'idx'));
            END IF;
            -- "method:columns"; no prefix = btree
            v_match := regexp_match(v_element, '^\s*(?:([A-Za-z]+)\s*:)?(.*)$');
            v_method := coalesce(lower(v_match[1]), 'btree');
            IF v_method NOT IN ('btree', 'brin') THEN
                RAISE EXCEPTION 'apply_weekly_partition_registry: index "%" of % asks for the index method %, which the registry does not make',
                                v_element, p_tablename, v_method
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'write indexes elements as columns (a btree) or brin:columns';
            END IF;
            CONTINUE WHEN to_regclass(format('public.%I', v_name)) IS NOT NULL;
            SELECT string_agg(quote_ident(btrim(c)), ', ' ORDER BY n) INTO v_cols
              FROM unnest(string_to_array(v_match[2], ',')) WITH ORDINALITY AS t(c, n);
            EXECUTE format('CREATE INDEX %I ON %I USING %I (%s)', v_name, v_part.partition_name, v_method, v_cols);
            v_created := v_created + 1;
        END LOOP;

        -- foreign keys: "(cols) REFERENCES table[_WEEKNUM](cols)"
        FOREACH v_element IN ARRAY v_info.fkeys LOOP
            v_match := regexp_match(v_element,
                '^\s*\(([^)]+)\)\s+REFERENCES\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]+)\)\s*$', 'i');
            IF v_match IS NULL THEN
                RAISE EXCEPTION 'apply_weekly_partition_registry: cannot read foreign key "%" of %', v_element, p_tablename
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'write fkeys elements as (column) REFERENCES table_WEEKNUM(column)';
            END IF;
            v_name := partition_object_name(v_part.partition_name, v_match[1], 'fkey');
            CONTINUE WHEN EXISTS (SELECT 1 FROM pg_constraint k
                                   WHERE k.conrelid = format('public.%I', v_part.partition_name)::regclass
                                     AND k.conname = v_name);
            v_ref := v_match[2];
            IF v_ref ~* '_WEEKNUM$' THEN
                v_reftable := regexp_replace(v_ref, '_WEEKNUM$', '', 'i');
                v_ref := NULL;
                SELECT w.partition_name INTO v_ref
                  FROM weekly_partitions w
                 WHERE w.table_name = v_reftable AND NOT w.is_default AND w.week_begins = v_part.week_begins;
                IF v_ref IS NULL THEN
                    -- the referenced week is missing (another engine, another premake): make it
                    PERFORM create_weekly_partition(v_reftable, v_part.week_begins);
                    SELECT w.partition_name INTO v_ref
                      FROM weekly_partitions w
                     WHERE w.table_name = v_reftable AND NOT w.is_default AND w.week_begins = v_part.week_begins;
                END IF;
                IF v_ref IS NULL THEN
                    RAISE EXCEPTION 'apply_weekly_partition_registry: % of the week of % references %, which has no partition for that week',
                                    v_part.partition_name, v_part.week_begins, v_reftable
                        USING ERRCODE = 'undefined_table',
                              HINT = 'give the referenced table a row (and a lower build_order) in report_partition_info';
                END IF;
            END IF;
            EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (%s) REFERENCES %I (%s) ON DELETE CASCADE ON UPDATE CASCADE',
                           v_part.partition_name, v_name,
                           (SELECT string_agg(quote_ident(btrim(c)), ', ') FROM unnest(string_to_array(v_match[1], ',')) c),
                           v_ref,
                           (SELECT string_agg(quote_ident(btrim(c)), ', ') FROM unnest(string_to_array(v_match[3], ',')) c));
            v_created := v_created + 1;
        END LOOP;
    END LOOP;
    RETURN v_created;
END;
$$;
COMMENT ON FUNCTION apply_weekly_partition_registry(text, text) IS
'Creates the report_partition_info keys (UNIQUE indexes), indexes (btree, or BRIN for brin:columns) and WEEKNUM foreign keys a weekly partition lacks (one partition, or the table''s unfinished ones when NULL); returns how many it created. Called by partition creation for both engines; rerun-safe.';
