-- raw_adi_load(p_replace boolean DEFAULT true) -> TABLE(loaded bigint, replaced bigint, rejected bigint, days date[])
-- Validates the rows staged in this transaction's temporary table raw_adi_staging (row_no,
-- line_no, fields text[], reason; filled with COPY by pyapp.adi) and inserts the good ones
-- into raw_adi in the seed's column order (adi_count, date, product_name,
-- product_os_platform, product_os_version, product_version, build, product_guid,
-- update_channel). A row is rejected, with its reason written to raw_adi_staging.reason, when
-- it has not exactly 9 fields, a count that is not a whole number or is negative or too large,
-- a date that is not YYYY-MM-DD or lies in the future, an empty product, version or channel,
-- or a product that is neither in products (name or release name) nor known by its GUID in
-- product_productid_map. With p_replace, the raw_adi rows of every (date, product) loaded are
-- replaced, so loading a day again does not count it twice. Returns the counts and the days loaded.
-- Callers: pyapp.adi (crashstats adi load, the fetch-adi job). Rerun-safe with p_replace.
CREATE OR REPLACE FUNCTION raw_adi_load(p_replace boolean DEFAULT true)
RETURNS TABLE (loaded bigint, replaced bigint, rejected bigint, days date[])
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_loaded   bigint := 0;
    v_replaced bigint := 0;
    v_rejected bigint := 0;
BEGIN
    IF to_regclass('pg_temp.raw_adi_staging') IS NULL THEN
        RAISE EXCEPTION 'raw_adi_load: no staging table raw_adi_staging in this session'
            USING ERRCODE = 'undefined_table',
                  HINT = 'load ADI with crashstats adi load FILE.csv, which stages the rows first';
    END IF;
    -- one loader at a time: two loads of the same day must not both replace and insert
    PERFORM pg_advisory_xact_lock(hashtext('crashstats.raw_adi'));

    WITH parsed AS (
        SELECT s.row_no,
               cardinality(s.fields) AS n,
               btrim(s.fields[1]) AS count_text,
               btrim(s.fields[2]) AS date_text,
               btrim(s.fields[3]) AS product_name,
               btrim(s.fields[6]) AS product_version,
               btrim(s.fields[8]) AS product_guid,
               btrim(s.fields[9]) AS update_channel,
               substring(btrim(s.fields[2]) FROM '^(\d{4})-\d{2}-\d{2}$')::integer AS y,
               substring(btrim(s.fields[2]) FROM '^\d{4}-(\d{2})-\d{2}$')::integer AS m,
               substring(btrim(s.fields[2]) FROM '^\d{4}-\d{2}-(\d{2})$')::integer AS d
          FROM raw_adi_staging s
         WHERE s.reason IS NULL
    ), judged AS (
        SELECT p.row_no,
               CASE
                   WHEN p.n IS DISTINCT FROM 9
                       THEN format('wrong column count: expected 9, got %s', COALESCE(p.n, 0))
                   WHEN p.count_text !~ '^[+-]?[0-9]+$'
                       THEN format('adi_count is not a whole number: %s', quote_literal(p.count_text))
                   WHEN p.count_text::numeric < 0
                       THEN format('negative adi_count: %s', p.count_text)
                   WHEN p.count_text::numeric > 2147483647
                       THEN format('adi_count too large: %s', p.count_text)
                   WHEN p.y IS NULL OR p.y < 1 OR p.m NOT BETWEEN 1 AND 12 OR p.d < 1
                       THEN format('bad date: %s (expected YYYY-MM-DD)', quote_literal(p.date_text))
                   -- a separate branch: CASE evaluates in order, so make_date sees a valid month
                   WHEN p.d > extract(day FROM make_date(p.y, p.m, 1) + interval '1 month - 1 day')
                       THEN format('bad date: %s (expected YYYY-MM-DD)', quote_literal(p.date_text))
                   WHEN make_date(p.y, p.m, p.d) > utc_today() + 1
                       THEN format('date is in the future: %s', p.date_text)
                   WHEN p.product_name = ''
                       THEN 'product_name is empty'
                   WHEN p.product_version = ''
                       THEN 'product_version is empty'
                   WHEN p.update_channel = ''
                       THEN 'update_channel is empty'
                   WHEN NOT EXISTS (SELECT 1 FROM products pr
                                     WHERE pr.product_name = p.product_name::citext
                                        OR pr.release_name = p.product_name::citext)
                        AND NOT EXISTS (SELECT 1 FROM product_productid_map pm
                                         WHERE btrim(pm.productid, '{} ') = btrim(p.product_guid, '{} ')
                                           AND btrim(p.product_guid, '{} ') <> '')
                       THEN format('unknown product: %s (add it first, or map its GUID in product_productid_map)',
                                   quote_literal(p.product_name))
               END AS reason
          FROM parsed p
    )
    UPDATE raw_adi_staging s
       SET reason = j.reason
      FROM judged j
     WHERE s.row_no = j.row_no AND j.reason IS NOT NULL;

    SELECT count(*) INTO v_rejected FROM raw_adi_staging WHERE reason IS NOT NULL;

    CREATE TEMP TABLE raw_adi_good ON COMMIT DROP AS
    SELECT btrim(fields[1])::integer AS adi_count,
           btrim(fields[2])::date AS date,
           btrim(fields[3]) AS product_name,
           btrim(fields[4]) AS product_os_platform,
           btrim(fields[5]) AS product_os_version,
           btrim(fields[6]) AS product_version,
           btrim(fields[7]) AS build,
           btrim(fields[8]) AS product_guid,
           btrim(fields[9]) AS update_channel,
           row_no
      FROM raw_adi_staging
     WHERE reason IS NULL;

    IF p_replace THEN
        DELETE FROM raw_adi r
         USING (SELECT DISTINCT g.date, g.product_name FROM raw_adi_good g) AS k
         WHERE r.date = k.date AND r.product_name = k.product_name;
        GET DIAGNOSTICS v_replaced = ROW_COUNT;
    END IF;

    INSERT INTO raw_adi (adi_count, date, product_name, product_os_platform, product_os_version,
                         product_version, build, product_guid, update_channel)
    SELECT adi_count, date, product_name, product_os_platform, product_os_version,
           product_version, build, product_guid, update_channel
      FROM raw_adi_good
     ORDER BY row_no;
    GET DIAGNOSTICS v_loaded = ROW_COUNT;

    RETURN QUERY
    SELECT v_loaded, v_replaced, v_rejected, COALESCE(array_agg(DISTINCT g.date ORDER BY g.date), '{}')
      FROM raw_adi_good g;
    DROP TABLE raw_adi_good;
END;
$$;
COMMENT ON FUNCTION raw_adi_load(boolean) IS
'Validates the ADI rows staged in the temp table raw_adi_staging (9 fields in the seed''s raw_adi order; count, date, product, version, channel checks) and inserts the good ones into raw_adi, replacing each loaded (date, product) when p_replace; rejected rows get their reason in raw_adi_staging.reason. Called by pyapp.adi (crashstats adi load, fetch-adi job); rerun-safe with p_replace.';
