-- sunset_date(p_build_id numeric, p_build_type citext) -> date
-- When a version drops out of reports: build date + 18 weeks for release and ESR, + 9 weeks
-- otherwise. Callers: update_product_versions. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION sunset_date(p_build_id numeric, p_build_type citext)
RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (build_date(p_build_id)
            + CASE WHEN lower(p_build_type) IN ('release', 'esr') THEN interval '18 weeks'
                   ELSE interval '9 weeks' END)::date;
$$;
COMMENT ON FUNCTION sunset_date(numeric, citext) IS
'Last day a version is shown: build date + 18 weeks (release, esr) or + 9 weeks (other channels). Pure helper.';
