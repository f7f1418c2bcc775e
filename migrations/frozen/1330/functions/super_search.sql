-- super_search(p_query jsonb, p_permissions text[] DEFAULT '{}', p_now timestamptz DEFAULT now()) -> jsonb
-- Super Search over PostgreSQL (Socorro's /supersearch/ semantics) on reports, joined to
-- processed_crashes / raw_crashes only when a field lives there (supersearch_fields).
-- p_query (built by the web from the query string):
--   filters       [{"field", "operator" ('=', '~' contains, '^' starts, '$' ends, '>', '>=', '<',
--                  '<=', '__null__'), "not" (the '!' prefix), "values": [..]}]: the values of one
--                 filter are OR-ed, filters AND-ed;
--   columns       fields of each hit (default uuid, date, signature, product, version);
--   sort          fields, '-' prefix for descending (default -date);
--   facets        fields to count terms of; facets_size terms each (default 50);
--   histograms    [{"field", "interval" (date: hour, day, week, month, year; number: a
--                  number), "facets": [fields counted inside each bucket]}];
--   cardinality   fields whose distinct values are counted;
--   results_number (default 100, at most 1000), results_offset.
-- The date range comes from the filters on "date" (>=, >, <, <=): default the 7 days before
-- p_now, at most 365 days.
-- Returns {"hits": [...], "total": n, "facets": {"<field>": [{"term", "count"}],
-- "histogram_<field>": [{"term", "count", "facets": {...}}], "cardinality_<field>": {"value"}},
-- "errors": []}, the shape of crash-stats.mozilla.org's /api/SuperSearch/.
-- Errors: an unknown or unexposed field, a wrong operator or value, a bad range: SQLSTATE 22023
-- (invalid_parameter_value); a field needing a permission not in p_permissions: 42501
-- (insufficient_privilege), the permission in the HINT.
-- Totals, facets and cardinalities over the whole UTC days of the range that update_search_facets
-- has rolled up (search_facet_days_done) are counted from search_facet_days, the rest of the
-- range from reports, when every filter and facet is on product, version, platform,
-- process_type, release_channel or signature and the dates are a range (the same numbers,
-- without reading every crash of a busy day); histograms always count crashes.
-- Values are returned unredacted: the web redacts hits for the viewer.
-- Callers: the web's /search/ and /api/SuperSearch/, the signature report. Read-only.
CREATE OR REPLACE FUNCTION super_search(p_query jsonb, p_permissions text[] DEFAULT '{}',
                                        p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_fields jsonb := '{}'::jsonb;     -- name -> {"expr", "type", "source"}
    v_name text;
    v_f record;
    v_filter jsonb;
    v_op text;
    v_type text;
    v_expr text;
    v_vals text[];
    v_val text;
    v_cond text;
    v_conds text[] := ARRAY[]::text[];
    v_from timestamptz;
    v_to timestamptz;
    v_ts timestamptz;
    v_need_processed boolean := false;
    v_need_raw boolean := false;
    v_columns text[];
    v_sort text[];
    v_facets text[];
    v_cardinality text[];
    v_histograms jsonb;
    v_hist jsonb;
    v_number integer;
    v_offset integer;
    v_fsize integer;
    v_source text;
    v_where text;
    v_select text[] := ARRAY[]::text[];
    v_parts text[] := ARRAY[]::text[];
    v_sub text[];
    v_order text[] := ARRAY[]::text[];
    v_alias text;
    v_interval text;
    v_bucket text;
    v_i integer := 0;
    v_total bigint;
    v_facet_json jsonb := '{}'::jsonb;
    v_hits jsonb := '[]'::jsonb;
    v_agg jsonb;
    v_likes text[];
    -- the roll-up (search_facet_days) for totals and facets over whole days, when every filter
    -- and facet is on one of its columns
    v_rollup boolean := true;
    v_rollup_columns CONSTANT text[] := ARRAY['product', 'version', 'os_name', 'process_type', 'release_channel',
                                              'signature'];
    v_count text;
    v_dim_conds text[] := ARRAY[]::text[];
    v_strict_from boolean := false;
    v_days date[];
    v_live text[] := ARRAY[]::text[];
    v_cursor timestamptz;
    v_day date;
    v_day_start timestamptz;
    v_m text;
    v_dims text[] := ARRAY[]::text[];
    v_one_product text;     -- the single value of a plain product = filter
    v_day_rows text;
    v_live_sql text;
BEGIN
    IF p_query IS NULL OR jsonb_typeof(p_query) <> 'object' THEN
        RAISE EXCEPTION 'super_search: the query must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_number := coalesce((p_query ->> 'results_number')::integer, 100);
    v_offset := coalesce((p_query ->> 'results_offset')::integer, 0);
    v_fsize := coalesce((p_query ->> 'facets_size')::integer, 50);
    IF v_number < 0 OR v_number > 1000 THEN
        RAISE EXCEPTION '_results_number must be between 0 and 1000, not %', v_number
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_offset < 0 OR v_offset > 100000 THEN
        RAISE EXCEPTION '_results_offset must be between 0 and 100000, not %', v_offset
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_fsize < 1 OR v_fsize > 1000 THEN
        RAISE EXCEPTION '_facets_size must be between 1 and 1000, not %', v_fsize
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_columns := coalesce(ARRAY(SELECT jsonb_array_elements_text(p_query -> 'columns')), '{}');
    IF cardinality(v_columns) = 0 THEN
        v_columns := ARRAY['uuid', 'date', 'signature', 'product', 'version'];
    END IF;
    v_sort := coalesce(ARRAY(SELECT jsonb_array_elements_text(p_query -> 'sort')), '{}');
    IF cardinality(v_sort) = 0 THEN
        v_sort := ARRAY['-date'];
    END IF;
    v_facets := coalesce(ARRAY(SELECT jsonb_array_elements_text(p_query -> 'facets')), '{}');
    v_cardinality := coalesce(ARRAY(SELECT jsonb_array_elements_text(p_query -> 'cardinality')), '{}');
    v_histograms := coalesce(p_query -> 'histograms', '[]'::jsonb);

    -- every field named anywhere: known, allowed, exposed (filters, sort, facets) or returned (columns)
    FOR v_name, v_op IN
        SELECT f ->> 'field', 'filter' FROM jsonb_array_elements(coalesce(p_query -> 'filters', '[]')) AS f
        UNION ALL SELECT ltrim(s, '-'), 'sort' FROM unnest(v_sort) AS s
        UNION ALL SELECT c, 'facet' FROM unnest(v_facets || v_cardinality) AS c
        UNION ALL SELECT h ->> 'field', 'facet' FROM jsonb_array_elements(v_histograms) AS h
        UNION ALL SELECT sf, 'facet' FROM jsonb_array_elements(v_histograms) AS h,
                                          jsonb_array_elements_text(coalesce(h -> 'facets', '[]')) AS sf
        UNION ALL SELECT c, 'column' FROM unnest(v_columns) AS c
    LOOP
        SELECT * INTO v_f FROM supersearch_field_sql(v_name);
        IF NOT FOUND OR v_name IS NULL THEN
            RAISE EXCEPTION 'unknown field: %', coalesce(v_name, '(none)')
                USING ERRCODE = 'invalid_parameter_value', HINT = 'the fields are listed at /api/SuperSearchFields/';
        END IF;
        IF NOT (v_f.permissions_needed <@ coalesce(p_permissions, '{}')) THEN
            RAISE EXCEPTION 'the field % needs the permission %', v_name, array_to_string(v_f.permissions_needed, ', ')
                USING ERRCODE = 'insufficient_privilege', HINT = array_to_string(v_f.permissions_needed, ',');
        END IF;
        IF v_op = 'column' AND NOT v_f.is_returned THEN
            RAISE EXCEPTION 'the field % cannot be returned', v_name USING ERRCODE = 'invalid_parameter_value';
        ELSIF v_op <> 'column' AND NOT v_f.is_exposed THEN
            RAISE EXCEPTION 'the field % cannot be searched, sorted or aggregated', v_name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_fields := v_fields || jsonb_build_object(v_name, jsonb_build_object('expr', v_f.expr, 'type', v_f.data_type,
                                                                               'doc', v_f.doc, 'key', v_f.doc_key));
        IF v_op IN ('filter', 'facet') AND v_name <> 'date' THEN
            IF v_f.expr = ANY (ARRAY(SELECT format('r.%I', c) FROM unnest(v_rollup_columns) AS c)) THEN
                v_dims := v_dims || v_f.expr;
            ELSE
                v_rollup := false;
            END IF;
        END IF;
        v_need_processed := v_need_processed OR v_f.source = 'processed';
        v_need_raw := v_need_raw OR v_f.source = 'raw';
    END LOOP;

    -- the filters
    FOR v_filter IN SELECT f FROM jsonb_array_elements(coalesce(p_query -> 'filters', '[]')) AS f LOOP
        v_name := v_filter ->> 'field';
        v_op := coalesce(v_filter ->> 'operator', '=');
        v_type := v_fields -> v_name ->> 'type';
        v_expr := v_fields -> v_name ->> 'expr';
        v_vals := coalesce(ARRAY(SELECT jsonb_array_elements_text(coalesce(v_filter -> 'values', '[]'))), '{}');
        IF v_op = '__null__' THEN
            v_cond := format('%s IS NULL', v_expr);
        ELSE
            IF cardinality(v_vals) = 0 THEN
                RAISE EXCEPTION 'no value given for %', v_name USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF NOT (v_op = ANY (CASE v_type WHEN 'string' THEN ARRAY['=', '~', '^', '$']
                                             WHEN 'enum' THEN ARRAY['=', '~', '^', '$']
                                             WHEN 'bool' THEN ARRAY['=']
                                             ELSE ARRAY['=', '>', '>=', '<', '<='] END)) THEN
                RAISE EXCEPTION 'the operator % does not apply to % (a % field)', v_op, v_name, v_type
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'text: = ~ ^ $; numbers and dates: = > >= < <=; booleans: =; all: ! and __null__';
            END IF;
            FOREACH v_val IN ARRAY v_vals LOOP
                IF v_type = 'number' AND v_val !~ '^-?[0-9]{1,30}(\.[0-9]{1,30})?$' THEN
                    RAISE EXCEPTION 'not a number for %: %', v_name, v_val USING ERRCODE = 'invalid_parameter_value';
                ELSIF v_type = 'bool' AND lower(v_val) NOT IN ('1', '0', 'true', 'false', 't', 'f', 'yes', 'no') THEN
                    RAISE EXCEPTION 'not a boolean for %: %', v_name, v_val USING ERRCODE = 'invalid_parameter_value';
                ELSIF v_type = 'date' THEN
                    BEGIN
                        v_ts := v_val::timestamptz;
                    EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR invalid_parameter_value THEN
                        RAISE EXCEPTION 'not a date for %: %', v_name, v_val
                            USING ERRCODE = 'invalid_parameter_value', HINT = 'dates are YYYY-MM-DD or ISO 8601 times';
                    END;
                    IF v_name = 'date' AND NOT coalesce((v_filter ->> 'not')::boolean, false) THEN
                        IF v_op IN ('>', '>=') THEN
                            v_from := greatest(v_from, v_ts);
                        ELSIF v_op = '<' THEN
                            v_to := least(v_to, v_ts);
                        ELSIF v_op = '<=' THEN
                            v_to := least(v_to, v_ts + interval '1 microsecond');
                        END IF;
                    END IF;
                END IF;
            END LOOP;
            v_cond := CASE
                WHEN v_op = '=' AND v_type IN ('string', 'enum') AND v_fields -> v_name ->> 'doc' IS NOT NULL THEN
                    '(' || array_to_string(ARRAY(
                        SELECT format('%s @> %L::jsonb', v_fields -> v_name ->> 'doc',
                                      jsonb_build_object(v_fields -> v_name ->> 'key', v))
                          FROM unnest(v_vals) AS v), ' OR ') || ')'
                WHEN v_op = '=' AND v_type IN ('string', 'enum') THEN
                    CASE WHEN cardinality(v_vals) = 1 THEN format('%s = %L', v_expr, v_vals[1])
                         ELSE format('%s = ANY (%L::text[])', v_expr, v_vals) END
                WHEN v_op = '=' AND v_type = 'bool' THEN
                    format('%s = ANY (%L::boolean[])', v_expr, v_vals)
                WHEN v_op IN ('~', '^', '$') THEN NULL
                ELSE format('%s %s ANY (%L::%s[])', v_expr, v_op, v_vals,
                            CASE v_type WHEN 'date' THEN 'timestamptz' ELSE 'numeric' END)
            END;
            IF v_op IN ('~', '^', '$') THEN
                v_likes := ARRAY(
                    SELECT format(CASE v_op WHEN '~' THEN '%s ILIKE %L' ELSE '%s LIKE %L' END, v_expr,
                                  CASE v_op WHEN '^' THEN '' ELSE '%' END
                                  || replace(replace(replace(v, '\', '\\'), '%', '\%'), '_', '\_')
                                  || CASE v_op WHEN '$' THEN '' ELSE '%' END)
                      FROM unnest(v_vals) AS v);
                v_cond := '(' || array_to_string(v_likes, ' OR ') || ')';
            END IF;
        END IF;
        IF v_name = 'product' AND v_op = '=' AND cardinality(v_vals) = 1
           AND NOT coalesce((v_filter ->> 'not')::boolean, false) THEN
            v_one_product := v_vals[1];
        END IF;
        IF coalesce((v_filter ->> 'not')::boolean, false) THEN
            v_cond := format('NOT coalesce((%s), false)', v_cond);
        END IF;
        v_conds := v_conds || v_cond;
        IF v_name <> 'date' THEN
            v_dim_conds := v_dim_conds || v_cond;
        ELSIF coalesce((v_filter ->> 'not')::boolean, false) OR v_op NOT IN ('>', '>=', '<', '<=') THEN
            v_rollup := false;  -- only a date range splits into whole days
        ELSIF v_op = '>' THEN
            v_strict_from := true;
        END IF;
    END LOOP;

    -- the date range: 7 days by default, 365 at most
    IF v_to IS NULL THEN
        v_to := CASE WHEN v_from IS NULL THEN p_now ELSE least(p_now, v_from + interval '7 days') END;
        IF v_from IS NOT NULL AND v_to <= v_from THEN
            v_to := v_from + interval '7 days';
        END IF;
    END IF;
    IF v_from IS NULL THEN
        v_from := v_to - interval '7 days';
    END IF;
    IF v_to - v_from > interval '365 days' THEN
        RAISE EXCEPTION 'the date range % .. % is longer than 365 days', v_from, v_to
            USING ERRCODE = 'invalid_parameter_value', HINT = 'narrow it with date=>=... and date=<...';
    END IF;

    v_source := 'reports r';
    IF v_need_processed THEN
        v_source := v_source || format(
            ' LEFT JOIN processed_crashes p ON p.uuid = r.uuid::uuid AND p.date_processed >= %L AND p.date_processed < %L',
            v_from - interval '1 day', v_to + interval '8 days');
    END IF;
    IF v_need_raw THEN
        v_source := v_source || format(
            ' LEFT JOIN raw_crashes w ON w.uuid = r.uuid::uuid AND w.date_processed >= %L AND w.date_processed < %L',
            v_from - interval '8 days', v_to + interval '1 day');
    END IF;
    v_where := format('r.date_processed >= %L AND r.date_processed < %L', v_from, v_to);
    IF cardinality(v_conds) > 0 THEN
        v_where := v_where || ' AND ' || array_to_string(v_conds, ' AND ');
    END IF;

    -- the whole days of the range that the roll-up holds; the rest (the range's ends, days not
    -- rolled up yet or written to since) is counted from reports
    IF v_rollup AND jsonb_array_length(v_histograms) = 0 THEN
        v_days := ARRAY(
            SELECT d.report_day FROM search_facet_days_done d
             WHERE d.report_day >= v_from::date AND d.report_day < v_to::date
               AND (d.report_day::timestamp AT TIME ZONE 'UTC') >= v_from
               AND NOT (v_strict_from AND (d.report_day::timestamp AT TIME ZONE 'UTC') = v_from)
               AND ((d.report_day + 1)::timestamp AT TIME ZONE 'UTC') <= v_to
               AND d.report_day >= (SELECT min(w.week_begins) FROM weekly_partitions w
                                     WHERE w.table_name = 'reports' AND NOT w.is_default)
             ORDER BY d.report_day);
        v_rollup := cardinality(v_days) > 0;
    ELSE
        v_rollup := false;
    END IF;
    IF v_rollup THEN
        v_cursor := v_from;
        FOREACH v_day IN ARRAY v_days LOOP
            v_day_start := v_day::timestamp AT TIME ZONE 'UTC';
            IF v_day_start > v_cursor THEN
                v_live := v_live || format('(r.date_processed >= %L AND r.date_processed < %L)', v_cursor, v_day_start);
            END IF;
            v_cursor := v_day_start + interval '1 day';
        END LOOP;
        IF v_cursor < v_to THEN
            v_live := v_live || format('(r.date_processed >= %L AND r.date_processed < %L)', v_cursor, v_to);
        END IF;
        -- the coarser level when only product and signature are filtered or counted on
        -- n as int: sum(int) is a bigint sum, sum(bigint) a numeric one (a third slower over
        -- 20 k groups); one combination's crashes in one day stay far below 2^31
        v_m := format('(SELECT %s, r.crashes::int AS n FROM search_facet_days r'
                      ' WHERE r.report_day = ANY (%L::date[]) AND r.level = %L%s',
                      (SELECT string_agg(format('r.%1$I::text AS %1$I', c), ', ') FROM unnest(v_rollup_columns) AS c),
                      v_days,
                      CASE WHEN v_dims <@ ARRAY['r.product', 'r.signature'] THEN 'product_signature' ELSE 'all' END,
                      CASE WHEN cardinality(v_dim_conds) > 0
                                   THEN ' AND ' || array_to_string(v_dim_conds, ' AND ') ELSE '' END);
        IF cardinality(v_live) > 0 THEN
            v_m := v_m || format(
                ' UNION ALL SELECT %s, count(*)::int FROM reports r WHERE %s AND (%s) GROUP BY %s',
                (SELECT string_agg(format('r.%I::text', c), ', ') FROM unnest(v_rollup_columns) AS c),
                v_where, array_to_string(v_live, ' OR '),
                array_to_string(ARRAY(SELECT generate_series(1, cardinality(v_rollup_columns))), ', '));
        END IF;
        v_m := v_m || ') r';
    END IF;

    -- total, facets, histograms, cardinalities; a roll-up row stands for n crashes
    v_count := CASE WHEN v_rollup THEN 'sum(n)' ELSE 'count(*)' END;
    FOREACH v_name IN ARRAY v_facets LOOP
        v_i := v_i + 1;
        v_alias := 'f' || v_i;
        v_select := v_select || format('%s AS %I', v_fields -> v_name ->> 'expr', v_alias);
        v_parts := v_parts || format(
            '%L, (SELECT coalesce(jsonb_agg(jsonb_build_object(''term'', t.term, ''count'', t.count)'
            ' ORDER BY t.count DESC, t.term), ''[]''::jsonb) FROM (SELECT %2$I AS term, %4$s AS count'
            ' FROM m WHERE %2$I IS NOT NULL GROUP BY %2$I ORDER BY %4$s DESC, %2$I LIMIT %3$s) t)',
            v_name, v_alias, v_fsize, v_count);
    END LOOP;
    FOREACH v_name IN ARRAY v_cardinality LOOP
        v_i := v_i + 1;
        v_alias := 'f' || v_i;
        v_select := v_select || format('%s AS %I', v_fields -> v_name ->> 'expr', v_alias);
        v_parts := v_parts || format('%L, jsonb_build_object(''value'', (SELECT count(DISTINCT %I) FROM m))',
                                     'cardinality_' || v_name, v_alias);
    END LOOP;
    IF NOT v_rollup AND cardinality(v_facets) = 0 AND cardinality(v_cardinality) = 0 AND jsonb_array_length(v_histograms) = 0 THEN
        EXECUTE format('SELECT count(*) FROM %s WHERE %s', v_source, v_where) INTO v_total;
    ELSIF v_rollup AND cardinality(v_days) = 1 AND v_one_product IS NOT NULL AND cardinality(v_dim_conds) = 1
          AND v_facets = ARRAY['signature'] AND cardinality(v_cardinality) = 0 THEN
        -- one whole day of one product and its signature facet alone (the search page's
        -- default): the day's product_signature rows are one per signature, so the top terms
        -- are among the day's first rows by count (read in index order) and the signatures the
        -- rest of the range counts; a signature outside both cannot outrank them. The same
        -- answer as the general statement below, without aggregating every signature of the day.
        v_day_rows := format('search_facet_days r WHERE r.report_day = %L AND r.level = ''product_signature'''
                             ' AND r.product = %L', v_days[1], v_one_product);
        v_live_sql := CASE WHEN cardinality(v_live) > 0
            THEN format('SELECT r.signature::text AS term, count(*)::int AS n FROM reports r WHERE %s AND (%s)'
                        ' GROUP BY 1', v_where, array_to_string(v_live, ' OR '))
            ELSE 'SELECT NULL::text AS term, 0 AS n WHERE false' END;
        EXECUTE format(
            'WITH live AS MATERIALIZED (%1$s) '
            'SELECT (SELECT coalesce(sum(r.crashes), 0) FROM %2$s)::bigint'
            ' + (SELECT coalesce(sum(n), 0) FROM live)::bigint, '
            'jsonb_build_object(''signature'', (SELECT coalesce(jsonb_agg(jsonb_build_object(''term'', t.term,'
            ' ''count'', t.count) ORDER BY t.count DESC, t.term), ''[]''::jsonb) FROM ('
            'SELECT x.term, sum(x.n)::bigint AS count FROM ('
            '(SELECT r.signature AS term, r.crashes::int AS n FROM %2$s AND r.signature IS NOT NULL'
            ' ORDER BY r.crashes DESC, r.signature LIMIT %3$s)'
            ' UNION SELECT r.signature, r.crashes::int FROM %2$s AND r.signature IN (SELECT term FROM live)'
            ' UNION ALL SELECT term, n FROM live) x'
            ' WHERE x.term IS NOT NULL GROUP BY x.term ORDER BY 2 DESC, x.term LIMIT %3$s) t))',
            v_live_sql, v_day_rows, v_fsize)
        INTO v_total, v_facet_json;
    ELSE
        FOR v_hist IN SELECT h FROM jsonb_array_elements(v_histograms) AS h LOOP
            v_name := v_hist ->> 'field';
            v_type := v_fields -> v_name ->> 'type';
            v_interval := coalesce(v_hist ->> 'interval', CASE WHEN v_type = 'date' THEN 'day' ELSE '1' END);
            IF v_type = 'date' THEN
                IF v_interval NOT IN ('minute', 'hour', 'day', 'week', 'month', 'quarter', 'year') THEN
                    RAISE EXCEPTION 'bad histogram interval for %: %', v_name, v_interval
                        USING ERRCODE = 'invalid_parameter_value', HINT = 'hour, day, week, month or year (1h, 1d, 1w, 1M, 1y)';
                END IF;
                v_bucket := format('date_trunc(%L, %s)', v_interval, v_fields -> v_name ->> 'expr');
            ELSIF v_type = 'number' THEN
                IF v_interval !~ '^[0-9]{1,15}(\.[0-9]{1,10})?$' OR v_interval::numeric <= 0 THEN
                    RAISE EXCEPTION 'bad histogram interval for %: %', v_name, v_interval
                        USING ERRCODE = 'invalid_parameter_value', HINT = 'a positive number';
                END IF;
                v_bucket := format('floor(%s / %s) * %2$s', v_fields -> v_name ->> 'expr', v_interval);
            ELSE
                RAISE EXCEPTION 'a histogram needs a date or number field, not % (%)', v_name, v_type
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            v_i := v_i + 1;
            v_alias := 'h' || v_i;
            v_select := v_select || format('%s AS %I', v_bucket, v_alias);
            v_sub := ARRAY[]::text[];
            FOR v_val IN SELECT jsonb_array_elements_text(coalesce(v_hist -> 'facets', '[]')) LOOP
                v_i := v_i + 1;
                v_select := v_select || format('%s AS %I', v_fields -> v_val ->> 'expr', 'f' || v_i);
                v_sub := v_sub || format(
                    '%L, (SELECT coalesce(jsonb_agg(jsonb_build_object(''term'', s.term, ''count'', s.count)'
                    ' ORDER BY s.count DESC, s.term), ''[]''::jsonb) FROM (SELECT %2$I AS term, count(*) AS count'
                    ' FROM m WHERE %3$I = b.term AND %2$I IS NOT NULL GROUP BY %2$I ORDER BY count(*) DESC, %2$I'
                    ' LIMIT %4$s) s)',
                    v_val, 'f' || v_i, v_alias, v_fsize);
            END LOOP;
            v_parts := v_parts || format(
                '%L, (SELECT coalesce(jsonb_agg(jsonb_build_object(''term'', b.term, ''count'', b.count, ''facets'','
                ' jsonb_build_object(%s)) ORDER BY b.term), ''[]''::jsonb) FROM (SELECT %I AS term, count(*) AS count'
                ' FROM m WHERE %3$I IS NOT NULL GROUP BY %3$I) b)',
                'histogram_' || v_name, array_to_string(v_sub, ', '), v_alias);
        END LOOP;
        EXECUTE format(
            'WITH m AS MATERIALIZED (SELECT %s FROM %s) '
            'SELECT (SELECT coalesce(%s, 0) FROM m) AS total, jsonb_build_object(%s) AS facets',
            array_to_string(v_select || CASE WHEN v_rollup THEN ARRAY['r.n'] ELSE ARRAY[]::text[] END, ', '),
            CASE WHEN v_rollup THEN v_m ELSE format('%s WHERE %s', v_source, v_where) END,
            v_count, array_to_string(v_parts, ', '))
        INTO v_total, v_facet_json;
    END IF;

    -- the hits
    IF v_number > 0 AND v_total > v_offset THEN
        v_select := ARRAY(SELECT format('%L, %s', c, v_fields -> c ->> 'expr') FROM unnest(v_columns) AS c);
        -- missing values last; a NOT NULL column of reports (date_processed, uuid) gets a plain
        -- ASC / DESC, the order its indexes give, so the newest hits are read, not sorted
        v_order := ARRAY(
            SELECT format('%s %s', e.expr,
                          CASE WHEN s LIKE '-%' THEN 'DESC' ELSE 'ASC' END
                          || CASE WHEN e.not_null THEN '' ELSE ' NULLS LAST' END)
              FROM unnest(v_sort) WITH ORDINALITY AS u(s, n)
              CROSS JOIN LATERAL (
                  SELECT v_fields -> ltrim(u.s, '-') ->> 'expr' AS expr) AS x
              CROSS JOIN LATERAL (
                  SELECT x.expr,
                         EXISTS (SELECT 1 FROM pg_attribute a
                                  WHERE a.attrelid = 'reports'::regclass AND a.attnotnull AND NOT a.attisdropped
                                    AND format('r.%I', a.attname) = x.expr) AS not_null) AS e
             ORDER BY n);
        EXECUTE format(
            'SELECT coalesce(jsonb_agg(x.h), ''[]''::jsonb) FROM (SELECT jsonb_build_object(%s) AS h FROM %s'
            ' WHERE %s ORDER BY %s, r.uuid LIMIT %s OFFSET %s) x',
            array_to_string(v_select, ', '), v_source, v_where, array_to_string(v_order, ', '), v_number, v_offset)
        INTO v_hits;
    END IF;

    RETURN jsonb_build_object('hits', v_hits, 'total', v_total, 'facets', v_facet_json, 'errors', '[]'::jsonb);
END;
$$;
COMMENT ON FUNCTION super_search(jsonb, text[], timestamptz) IS
'Super Search over reports (+ processed_crashes / raw_crashes when needed): filters with = ~ ^ $ ! __null__ > >= < <=, columns, sort, facets, histograms, cardinality, paging; 7-day default and 365-day maximum date range; Socorro''s answer shape. 22023 for bad input, 42501 for a missing permission. Unredacted: the web redacts. Read-only.';
