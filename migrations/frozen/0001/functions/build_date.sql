-- build_date(p_build_id numeric) -> date
-- The date in the first 8 digits of a build id (YYYYMMDDhhmmss), or NULL when those digits are
-- not a valid date (Socorro raised an error instead; NULL keeps indexes and reports working).
-- Callers: releases_raw index, update_product_versions, ADI and build reports. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION build_date(p_build_id numeric)
RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN b.s !~ '^\d{8}' THEN NULL
        WHEN substr(b.s, 1, 4)::int < 1
          OR substr(b.s, 5, 2)::int NOT BETWEEN 1 AND 12
          OR substr(b.s, 7, 2)::int NOT BETWEEN 1 AND 31 THEN NULL
        ELSE (
            SELECT d.day
              FROM (SELECT make_date(substr(b.s, 1, 4)::int, substr(b.s, 5, 2)::int, 1)
                           + (substr(b.s, 7, 2)::int - 1) AS day) AS d
             WHERE extract(month FROM d.day) = substr(b.s, 5, 2)::int
        )
    END
    FROM (SELECT trunc(p_build_id)::text AS s) AS b;
$$;
COMMENT ON FUNCTION build_date(numeric) IS
'Date of a build id: its first 8 digits as YYYYMMDD, NULL when they are not a real date. Pure helper; indexed on releases_raw.';
