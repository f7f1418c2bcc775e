-- make_partitioned_table(p_tablename text) -> boolean
-- Turns a plain, EMPTY table named in report_partition_info into a range-partitioned table on
-- its partition_column, so a DBA can register an existing table with the seed's INSERT (e.g.
-- reports_duplicates). Columns, defaults, NOT NULL and CHECK constraints, comments, owner,
-- grants, owned sequences and outgoing foreign keys are kept; table-wide unique keys and
-- indexes are dropped (a partitioned table's unique keys must include the partition column):
-- the registry's keys and indexes are created on each weekly partition instead.
-- Refuses (nothing changed) when the table has rows, or when views, foreign keys of other
-- tables, triggers or inheritance depend on it. Returns true when it converted the table,
-- false when it already was a range-partitioned table.
-- Callers: prepare_partitioned_table (weekly_report_partitions). Rerun-safe.
CREATE OR REPLACE FUNCTION make_partitioned_table(p_tablename text)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_acl      record;
    v_coltype  text;
    v_comment  text;
    v_fkeys    text[];
    v_hasrows  boolean;
    v_info     record;
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
        RAISE EXCEPTION 'cannot partition %: it has rows', p_tablename
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = format('move its rows out, empty it, let weekly_report_partitions() partition it, then insert them back (INSERT INTO %I SELECT ...); or DELETE FROM report_partition_info WHERE table_name = %L', p_tablename, p_tablename);
    END IF;

    v_tmp := left(p_tablename, 48) || '_partitioned';
    IF to_regclass(format('public.%I', v_tmp)) IS NOT NULL THEN
        RAISE EXCEPTION 'cannot partition %: the work table % exists', p_tablename, v_tmp
            USING ERRCODE = 'duplicate_table', HINT = format('drop %I if it is a leftover', v_tmp);
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

    EXECUTE format('DROP TABLE public.%I', p_tablename);
    EXECUTE format('ALTER TABLE public.%I RENAME TO %I', v_tmp, p_tablename);
    FOREACH v_statement IN ARRAY v_fkeys LOOP
        EXECUTE v_statement;
    END LOOP;
    RAISE NOTICE '% is now partitioned by range of %; dropped its table-wide indexes (%): each weekly partition gets the report_partition_info keys and indexes',
                 p_tablename, v_info.partition_column, coalesce(v_dropped, 'none');
    RETURN true;
END;
$$;
COMMENT ON FUNCTION make_partitioned_table(text) IS
'Converts an empty plain table registered in report_partition_info into a range-partitioned table on its partition_column (keeps columns, defaults, checks, comments, owner, grants, sequences, outgoing FKs); refuses when it has rows or dependants. Called by weekly_report_partitions; rerun-safe.';
