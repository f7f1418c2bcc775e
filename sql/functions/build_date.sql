-- build_date(p_build_id numeric) -> date
-- The date in the first 8 digits of a build id (YYYYMMDDhhmmss), or NULL when those digits are
-- not a valid date (Socorro raised an error instead; NULL keeps indexes and reports working).
-- One expression without FROM and not STRICT, so PostgreSQL inlines it into the calling query
-- (a per-row SQL function call cost ~35 us; reports over a million crashes call it per row).
-- Callers: releases_raw index, update_product_versions, ADI and build reports. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION build_date(p_build_id numeric)
RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN trunc(p_build_id) >= 10000000 THEN
        CASE WHEN substr(trunc(p_build_id)::text, 1, 4)::int >= 1
                  AND substr(trunc(p_build_id)::text, 5, 2)::int BETWEEN 1 AND 12
                  AND substr(trunc(p_build_id)::text, 7, 2)::int BETWEEN 1 AND 31 THEN
            CASE WHEN extract(month FROM make_date(substr(trunc(p_build_id)::text, 1, 4)::int,
                                                   substr(trunc(p_build_id)::text, 5, 2)::int, 1)
                                         + (substr(trunc(p_build_id)::text, 7, 2)::int - 1))
                      = substr(trunc(p_build_id)::text, 5, 2)::int
                 THEN make_date(substr(trunc(p_build_id)::text, 1, 4)::int, substr(trunc(p_build_id)::text, 5, 2)::int, 1)
                      + (substr(trunc(p_build_id)::text, 7, 2)::int - 1)
            END
        END
    END;
$$;
COMMENT ON FUNCTION build_date(numeric) IS
'Date of a build id: its first 8 digits as YYYYMMDD, NULL when they are not a real date. Pure helper; indexed on releases_raw.';
