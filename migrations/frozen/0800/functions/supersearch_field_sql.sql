-- supersearch_field_sql(p_name text)
--   -> TABLE (name text, expr text, data_type text, source text, permissions_needed text[],
--             is_exposed boolean, is_returned boolean, doc text, doc_key text)
-- How super_search() reads one field of supersearch_fields: the SQL expression over its FROM
-- clause (r = reports, p = processed_crashes, w = raw_crashes), typed for the field's data type
-- (numbers and dates read from JSON documents are cast only when they look like one, so one
-- odd document cannot fail a search), and which table it needs (source: reports, processed,
-- raw); for document fields also the document (doc) and its key (doc_key), so that equality
-- can be a containment test (@>) that the GIN index on processed_crashes serves. No row for an
-- unknown field.
-- Callers: super_search(). Read-only.
CREATE OR REPLACE FUNCTION supersearch_field_sql(p_name text)
RETURNS TABLE (name text, expr text, data_type text, source text, permissions_needed text[],
               is_exposed boolean, is_returned boolean, doc text, doc_key text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_field supersearch_fields;
    v_coltype text;
    v_src text;
BEGIN
    SELECT * INTO v_field FROM supersearch_fields f WHERE f.name = p_name;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    name := v_field.name;
    data_type := v_field.data_type;
    permissions_needed := v_field.permissions_needed;
    is_exposed := v_field.is_exposed;
    is_returned := v_field.is_returned;
    IF v_field.reports_column IS NOT NULL THEN
        SELECT format_type(a.atttypid, NULL) INTO v_coltype
          FROM pg_attribute a
         WHERE a.attrelid = 'reports'::regclass AND a.attname = v_field.reports_column AND NOT a.attisdropped;
        IF v_coltype IS NULL THEN
            RAISE EXCEPTION 'supersearch field % names reports column %, which does not exist',
                            v_field.name, v_field.reports_column
                USING ERRCODE = 'undefined_column',
                      HINT = 'fix supersearch_fields.reports_column (or set it NULL to read the document)';
        END IF;
        source := 'reports';
        v_src := format('r.%I', v_field.reports_column);
        expr := CASE
            WHEN v_field.data_type = 'number' AND v_coltype NOT IN ('integer', 'bigint', 'smallint', 'numeric')
                THEN format('(CASE WHEN %1$s ~ ''^-?[0-9]{1,30}(\.[0-9]{1,30})?$'' THEN %1$s::numeric END)', v_src)
            WHEN v_field.data_type = 'string' OR v_field.data_type = 'enum'
                THEN CASE WHEN v_coltype IN ('text', 'character varying', 'citext') THEN v_src
                          ELSE format('%s::text', v_src) END
            ELSE v_src
        END;
        RETURN NEXT;
        RETURN;
    END IF;
    IF v_field.namespace = 'raw_crash' THEN
        source := 'raw';
        doc := 'w.raw_crash';
    ELSE
        source := 'processed';
        doc := 'p.processed_crash';
    END IF;
    doc_key := v_field.in_database_name;
    v_src := format('(%s ->> %L)', doc, doc_key);
    expr := CASE v_field.data_type
        WHEN 'number' THEN
            format('(CASE WHEN %1$s ~ ''^-?[0-9]{1,30}(\.[0-9]{1,30})?$'' THEN %1$s::numeric END)', v_src)
        WHEN 'date' THEN
            format('(CASE WHEN %1$s ~ ''^[0-9]{4}-[01][0-9]-[0-3][0-9]([T ][0-9:.]+)?(Z|[+-][0-9:]+)?$'' THEN %1$s::timestamptz END)',
                   v_src)
        WHEN 'bool' THEN
            format('(CASE WHEN lower(%1$s) IN (''1'', ''true'', ''t'', ''yes'') THEN true'
                   ' WHEN lower(%1$s) IN (''0'', ''false'', ''f'', ''no'') THEN false END)', v_src)
        ELSE v_src
    END;
    RETURN NEXT;
END;
$$;
COMMENT ON FUNCTION supersearch_field_sql(text) IS
'The SQL expression super_search() uses for a supersearch_fields field (r = reports, p = processed_crashes, w = raw_crashes), typed and safe against odd documents, with the table it needs. Read-only.';
