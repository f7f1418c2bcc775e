-- update_adu(updateday date, checkdata boolean DEFAULT true) -> boolean
-- Fills product_adu for the UTC day: the sum of raw_adi counts per product version and OS,
-- matched by raw_adi_matched (GUID mapping; release/nightly/aurora by version string, ESR with
-- "esr", betas by release version and build). Every version whose [build_date, sunset_date+1]
-- holds the day gets a row even without ADI (os_name 'Unknown', 0), so reports can tell "no
-- ADI" from "not run". Rapid-beta parents get none (their aggregates sum the children).
-- ADI rows matching no version are counted in a NOTICE, not an error.
-- Refuses a day without raw_adi rows (object_not_in_prerequisite_state). Returns false when
-- already done (checkdata); otherwise replaces the day.
-- Callers: the adu job (daily), backfill_adu, backfill_matviews. Rerun-safe.
CREATE OR REPLACE FUNCTION update_adu(updateday date, checkdata boolean DEFAULT true)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_rows      bigint;
    v_unmatched bigint;
    v_installs  bigint;
BEGIN
    IF NOT matview_begin('update_adu', updateday, checkdata, NULL, 'raw_adi') THEN
        RETURN false;
    END IF;

    CREATE TEMP TABLE adu_day ON COMMIT DROP AS
    SELECT m.product_version_id, m.os_name, m.adi_count FROM raw_adi_matched m WHERE m.adu_date = updateday;

    SELECT count(*), coalesce(sum(a.adi_count), 0) INTO v_unmatched, v_installs
      FROM adu_day a WHERE a.product_version_id IS NULL;
    IF v_unmatched > 0 THEN
        RAISE NOTICE 'update_adu: % raw_adi rows (% installs) of % match no product version (see raw_adi_matched)',
                     v_unmatched, v_installs, updateday;
    END IF;

    DELETE FROM product_adu WHERE adu_date = updateday;
    INSERT INTO product_adu (product_version_id, adu_date, os_name, adu_count)
    SELECT pv.product_version_id, updateday, coalesce(a.os_name, 'Unknown'), coalesce(sum(a.adi_count), 0)
      FROM product_versions pv
      LEFT JOIN adu_day a ON a.product_version_id = pv.product_version_id
     WHERE updateday BETWEEN pv.build_date AND pv.sunset_date + 1
       AND NOT coalesce(pv.is_rapid_beta, false)
     GROUP BY pv.product_version_id, coalesce(a.os_name, 'Unknown');
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    DROP TABLE pg_temp.adu_day;
    RETURN matview_finish('update_adu', updateday, v_rows);
END;
$$;
COMMENT ON FUNCTION update_adu(date, boolean) IS
'Fills product_adu for a day from raw_adi (per version and OS; 0 rows for versions without ADI); refuses a day without raw_adi. ADU job / backfill_matviews; replaces the day, rerun-safe.';
