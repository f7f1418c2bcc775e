-- update_build_adu(updateday date, checkdata boolean DEFAULT true) -> boolean
-- Fills build_adu for the UTC day: ADI per product version, build date and OS for nightly and
-- aurora versions and for rapid betas (counted under their parent, rapid_beta_id), for builds
-- in their first 7 days (build date .. build date + 6) whose id is numeric with 10 or more
-- digits. Matching as in raw_adi_matched.
-- Refuses a day without raw_adi rows. Returns false when already done (checkdata); otherwise
-- replaces the day. Callers: the build-adu job (daily), backfill_build_adu, backfill_matviews.
-- Rerun-safe.
CREATE OR REPLACE FUNCTION update_build_adu(updateday date, checkdata boolean DEFAULT true)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_rows bigint;
BEGIN
    IF NOT matview_begin('update_build_adu', updateday, checkdata, NULL, 'raw_adi') THEN
        RETURN false;
    END IF;
    DELETE FROM build_adu WHERE adu_date = updateday;
    INSERT INTO build_adu (product_version_id, build_date, adu_date, os_name, adu_count)
    SELECT coalesce(pv.rapid_beta_id, pv.product_version_id), build_date(m.build), updateday, m.os_name,
           sum(m.adi_count)
      FROM raw_adi_matched m
      JOIN product_versions pv ON pv.product_version_id = m.product_version_id
     WHERE m.adu_date = updateday
       AND m.build >= 1000000000
       AND updateday BETWEEN build_date(m.build) AND build_date(m.build) + 6
       AND (pv.build_type IN ('nightly', 'aurora') OR pv.rapid_beta_id IS NOT NULL)
     GROUP BY coalesce(pv.rapid_beta_id, pv.product_version_id), build_date(m.build), m.os_name;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN matview_finish('update_build_adu', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_build_adu(date, boolean) IS
'Fills build_adu for a day: ADI per version (rapid betas under their parent), build date and OS for builds in their first 7 days (nightly, aurora, rapid beta). Build-ADU job / backfill_matviews; needs raw_adi; replaces the day, rerun-safe.';
