-- make_partitioned_table(p_tablename text) -> boolean
-- Turns a plain table named in report_partition_info into a range-partitioned table on its
-- partition_column, so a DBA can register an existing table with an INSERT INTO
-- report_partition_info (e.g. reports_duplicates). Columns, defaults, NOT NULL and CHECK
-- constraints, comments, owner, grants, owned sequences (and identity counters) and outgoing
-- foreign keys are kept; table-wide unique keys and indexes are dropped (a partitioned table's
-- unique keys must include the partition column): the registry's keys and indexes are created
-- on each weekly partition instead. A table holding rows gets the weekly partitions of the
-- weeks its rows fall in (create_weekly_partition) and its rows moved into them, all in the
-- caller's transaction: either every row is in its week's partition or nothing changed.
-- Refuses (nothing changed) when a row has no partition_column value, when the rows break a
-- registry key, or when views, foreign keys of other tables, triggers or inheritance depend on
-- it. Returns true when it converted the table, false when it already was a range-partitioned
-- table.
-- Callers: prepare_partitioned_table (weekly_report_partitions). Rerun-safe.
CREATE OR REPLACE FUNCTION make_partitioned_table(p_tablename text)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_acl      record;
    v_coltype  text;
    v_comment  text;
    v_fkeys    text[];
    v_cols     text;
    v_hasrows  boolean;
    v_ident    record;
    v_info     record;
    v_moved    bigint;
    v_nulls    bigint;
    v_old      text;
    v_rows     bigint;
    v_week     date;
    v_weeks    date[];
    v_dropped  text;
    v_owner    text;
    v_oid      oid;
    v_relkind  "char";
    v_seq      record;
    v_statement text;
    v_tmp      text;
    v_users    text;
BEGIN
    SELECT * INTO v_info FROM report_partition_info r WHERE r.table_name = p_tablename;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'make_partitioned_table: % is not in report_partition_info', p_tablename
            USING ERRCODE = 'undefined_object';
    END IF;
    SELECT c.oid, c.relkind, pg_get_userbyid(c.relowner) INTO v_oid, v_relkind, v_owner
      FROM pg_class c WHERE c.relname = p_tablename AND c.relnamespace = 'public'::regnamespace;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'make_partitioned_table: there is no table %', p_tablename
            USING ERRCODE = 'undefined_table';
    END IF;
    IF v_relkind = 'p' THEN
        RETURN false;
    ELSIF v_relkind <> 'r' THEN
        RAISE EXCEPTION 'make_partitioned_table: % is not a table', p_tablename
            USING ERRCODE = 'wrong_object_type';
    END IF;

    SELECT format_type(a.atttypid, a.atttypmod) INTO v_coltype
      FROM pg_attribute a
     WHERE a.attrelid = v_oid AND a.attname = v_info.partition_column AND a.attnum > 0 AND NOT a.attisdropped;
    IF v_coltype IS NULL THEN
        RAISE EXCEPTION 'make_partitioned_table: % has no column % (its partition_column in report_partition_info)',
                        p_tablename, v_info.partition_column
            USING ERRCODE = 'undefined_column';
    END IF;
    IF (upper(v_info.timetype) = 'DATE') <> (v_coltype = 'date')
       OR (upper(v_info.timetype) = 'TIMESTAMPTZ' AND v_coltype <> 'timestamp with time zone') THEN
        RAISE EXCEPTION 'make_partitioned_table: %.% is %, but report_partition_info says %',
                        p_tablename, v_info.partition_column, v_coltype, v_info.timetype
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'correct the timetype of the report_partition_info row';
    END IF;

    -- what would break: say so and change nothing
    SELECT string_agg(DISTINCT x.what, ', ') INTO v_users
      FROM (SELECT 'view ' || r.ev_class::regclass::text AS what
              FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
             WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = v_oid AND r.ev_class <> v_oid
            UNION ALL
            SELECT 'foreign key ' || k.conname || ' of ' || k.conrelid::regclass::text
              FROM pg_constraint k WHERE k.confrelid = v_oid AND k.contype = 'f'
            UNION ALL
            SELECT 'trigger ' || t.tgname FROM pg_trigger t WHERE t.tgrelid = v_oid AND NOT t.tgisinternal
            UNION ALL
            SELECT 'inheritance with ' || (CASE WHEN i.inhparent = v_oid THEN i.inhrelid ELSE i.inhparent END)::regclass::text
              FROM pg_inherits i WHERE i.inhparent = v_oid OR i.inhrelid = v_oid) AS x;
    IF v_users IS NOT NULL THEN
        RAISE EXCEPTION 'cannot partition %: %', p_tablename, v_users
            USING ERRCODE = 'dependent_objects_still_exist',
                  HINT = format('drop or move them, then rerun weekly_report_partitions(); or DELETE FROM report_partition_info WHERE table_name = %L', p_tablename);
    END IF;

    EXECUTE format('LOCK TABLE public.%I IN ACCESS EXCLUSIVE MODE', p_tablename);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM public.%I)', p_tablename) INTO STRICT v_hasrows;
    IF v_hasrows THEN
        EXECUTE format('SELECT count(*) FILTER (WHERE %1$I IS NULL), '
                       'array_agg(DISTINCT date_trunc(''week'', %1$I)::date) FILTER (WHERE %1$I IS NOT NULL) '
                       'FROM public.%2$I', v_info.partition_column, p_tablename)
           INTO STRICT v_nulls, v_weeks;
        IF v_nulls > 0 THEN
            RAISE EXCEPTION 'cannot partition %: % of its rows have no % (NULL), so no weekly partition can take them',
                            p_tablename, v_nulls, v_info.partition_column
                USING ERRCODE = 'not_null_violation',
                      HINT = format('give them a %s (UPDATE %I SET %I = ... WHERE %I IS NULL) or delete them, then rerun weekly_report_partitions()',
                                    v_info.partition_column, p_tablename, v_info.partition_column, v_info.partition_column);
        END IF;
    END IF;

    v_tmp := left(p_tablename, 48) || '_partitioned';
    v_old := left(p_tablename, 48) || '_unpartitioned';
    IF to_regclass(format('public.%I', v_tmp)) IS NOT NULL OR to_regclass(format('public.%I', v_old)) IS NOT NULL THEN
        RAISE EXCEPTION 'cannot partition %: the work table % or % exists', p_tablename, v_tmp, v_old
            USING ERRCODE = 'duplicate_table', HINT = 'drop it if it is a leftover';
    END IF;
    EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED '
                   'INCLUDING STORAGE INCLUDING COMMENTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (%I)',
                   v_tmp, p_tablename, v_info.partition_column);
    EXECUTE format('ALTER TABLE public.%I OWNER TO %I', v_tmp, v_owner);
    v_comment := obj_description(v_oid, 'pg_class');
    IF v_comment IS NOT NULL THEN
        EXECUTE format('COMMENT ON TABLE public.%I IS %L', v_tmp, v_comment);
    END IF;
    FOR v_acl IN
        SELECT a.privilege_type, a.is_grantable,
               CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee
          FROM pg_class c, aclexplode(c.relacl) a
         WHERE c.oid = v_oid AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('GRANT %s ON public.%I TO %s%s', v_acl.privilege_type, v_tmp, v_acl.grantee,
                       CASE WHEN v_acl.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
    -- serial columns: the sequence moves to the new table
    FOR v_seq IN
        SELECT d.objid::regclass::text AS seq, a.attname
          FROM pg_depend d
          JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE d.refobjid = v_oid AND d.classid = 'pg_class'::regclass AND d.deptype = 'a'
    LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNED BY public.%I.%I', v_seq.seq, v_tmp, v_seq.attname);
    END LOOP;
    -- what goes away with the plain table
    SELECT string_agg(i.indexrelid::regclass::text, ', ') INTO v_dropped FROM pg_index i WHERE i.indrelid = v_oid;
    SELECT coalesce(array_agg(format('ALTER TABLE public.%I ADD CONSTRAINT %I %s',
                                     p_tablename, k.conname, pg_get_constraintdef(k.oid))), '{}')
      INTO v_fkeys
      FROM pg_constraint k WHERE k.conrelid = v_oid AND k.contype = 'f';

    -- the plain table steps aside (its rows wait there) and the partitioned one takes its name
    EXECUTE format('ALTER TABLE public.%I RENAME TO %I', p_tablename, v_old);
    EXECUTE format('ALTER TABLE public.%I RENAME TO %I', v_tmp, p_tablename);
    FOREACH v_statement IN ARRAY v_fkeys LOOP
        EXECUTE v_statement;
    END LOOP;

    IF v_hasrows THEN
        -- identity columns got a fresh counter from LIKE: it continues where the old one was
        FOR v_ident IN
            SELECT a.attname::text AS col FROM pg_attribute a
             WHERE a.attrelid = format('public.%I', p_tablename)::regclass AND a.attidentity <> ''
               AND a.attnum > 0 AND NOT a.attisdropped
        LOOP
            EXECUTE format('SELECT setval(%L, s.last_value, s.is_called) FROM %s s',
                           pg_get_serial_sequence(format('public.%I', p_tablename), v_ident.col),
                           pg_get_serial_sequence(format('public.%I', v_old), v_ident.col));
        END LOOP;
        FOREACH v_week IN ARRAY v_weeks LOOP
            PERFORM create_weekly_partition(p_tablename, v_week);
        END LOOP;
        -- generated columns are computed again; identity values are kept
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO v_cols
          FROM pg_attribute a
         WHERE a.attrelid = format('public.%I', p_tablename)::regclass
           AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';
        EXECUTE format('SELECT count(*) FROM public.%I', v_old) INTO STRICT v_rows;
        BEGIN
            EXECUTE format('INSERT INTO public.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM public.%I',
                           p_tablename, v_cols, v_cols, v_old);
            GET DIAGNOSTICS v_moved = ROW_COUNT;
        EXCEPTION WHEN unique_violation THEN
            RAISE EXCEPTION 'cannot partition %: its rows break a key of its report_partition_info row (%)',
                            p_tablename, SQLERRM
                USING ERRCODE = 'unique_violation',
                      HINT = format('delete the duplicate rows of %I, or correct the keys of its report_partition_info row, then rerun weekly_report_partitions()', p_tablename);
        END;
        IF v_moved <> v_rows THEN
            RAISE EXCEPTION 'cannot partition %: moved % of its % rows', p_tablename, v_moved, v_rows
                USING ERRCODE = 'internal_error';
        END IF;
    END IF;
    EXECUTE format('DROP TABLE public.%I', v_old);
    IF v_hasrows THEN
        RAISE NOTICE '% is now partitioned by range of %: its % rows moved into the weekly partitions of % weeks; dropped its table-wide indexes (%): each weekly partition gets the report_partition_info keys and indexes',
                     p_tablename, v_info.partition_column, v_rows, cardinality(v_weeks), coalesce(v_dropped, 'none');
    ELSE
        RAISE NOTICE '% is now partitioned by range of %; dropped its table-wide indexes (%): each weekly partition gets the report_partition_info keys and indexes',
                     p_tablename, v_info.partition_column, coalesce(v_dropped, 'none');
    END IF;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION make_partitioned_table(text) IS
'Converts a plain table registered in report_partition_info into a range-partitioned table on its partition_column (keeps columns, defaults, checks, comments, owner, grants, sequences, outgoing FKs), moving its rows into weekly partitions created for their weeks in the same transaction; refuses (nothing changed) when a row has no partition value, the rows break a registry key, or others depend on the table. Called by prepare_partitioned_table; rerun-safe.';
