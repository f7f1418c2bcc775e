-- live_delta_crashes_by_user() -> integer
-- Applies the live reports' changes (the temporary table live_delta of update_reports_live) to
-- crashes_by_user with update_crashes_by_user's rules: crashes per version, UTC day, OS (its
-- short name) and crash type, inside the version's window. A new row takes the OS's ADI of the
-- day as far as update_adu has loaded it (0 before the day's ADI arrives); a row left with no
-- crash and no ADI goes; rapid-beta parents are summed again from their betas.
-- update_crashes_by_user(day) recomputed from scratch gives the same rows.
-- Callers: update_reports_live only. Adds, so rerun-safe only as part of it.
CREATE OR REPLACE FUNCTION live_delta_crashes_by_user()
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_rows integer;
BEGIN
    CREATE TEMP TABLE live_cbu ON COMMIT DROP AS
    SELECT d.product_version_id, (d.date_processed AT TIME ZONE 'UTC')::date AS report_date, d.os_name,
           os.os_short_name, ct.crash_type_id, sum(d.sign)::integer AS delta, pv.rapid_beta_id
      FROM live_delta d
      JOIN product_versions pv ON pv.product_version_id = d.product_version_id
      JOIN crash_types ct ON ct.process_type = d.process_type AND ct.has_hang_id = (d.hang_id IS NOT NULL)
      JOIN os_names os ON os.os_name = d.os_name
     WHERE tstz_between(d.date_processed, pv.build_date, pv.sunset_date)
     GROUP BY 1, 2, 3, 4, 5, 7
    HAVING sum(d.sign) <> 0;

    INSERT INTO crashes_by_user AS c (product_version_id, report_date, report_count, adu, os_short_name,
                                      crash_type_id)
    SELECT l.product_version_id, l.report_date, l.delta,
           coalesce((SELECT sum(a.adu_count) FROM product_adu a
                      WHERE a.product_version_id = l.product_version_id AND a.adu_date = l.report_date
                        AND a.os_name = l.os_name), 0),
           l.os_short_name, l.crash_type_id
      FROM live_cbu l
    ON CONFLICT (product_version_id, report_date, os_short_name, crash_type_id) DO UPDATE
       SET report_count = c.report_count + EXCLUDED.report_count;
    GET DIAGNOSTICS v_rows = ROW_COUNT;

    DELETE FROM crashes_by_user c
     USING live_cbu l
     WHERE c.product_version_id = l.product_version_id AND c.report_date = l.report_date
       AND c.os_short_name = l.os_short_name AND c.crash_type_id = l.crash_type_id AND c.report_count = 0
       AND NOT EXISTS (SELECT 1 FROM product_adu a
                        WHERE a.product_version_id = c.product_version_id AND a.adu_date = c.report_date
                          AND a.os_name = l.os_name);

    -- rapid-beta parents: the sums of their betas' rows, as update_crashes_by_user writes them
    DELETE FROM crashes_by_user c
     USING (SELECT DISTINCT l.rapid_beta_id, l.report_date FROM live_cbu l WHERE l.rapid_beta_id IS NOT NULL) AS p
     WHERE c.product_version_id = p.rapid_beta_id AND c.report_date = p.report_date;
    INSERT INTO crashes_by_user (product_version_id, report_date, report_count, adu, os_short_name, crash_type_id)
    SELECT p.rapid_beta_id, p.report_date, sum(c.report_count), sum(c.adu), c.os_short_name, c.crash_type_id
      FROM (SELECT DISTINCT l.rapid_beta_id, l.report_date FROM live_cbu l WHERE l.rapid_beta_id IS NOT NULL) AS p
      JOIN product_versions pv ON pv.rapid_beta_id = p.rapid_beta_id
      JOIN crashes_by_user c ON c.product_version_id = pv.product_version_id AND c.report_date = p.report_date
     GROUP BY p.rapid_beta_id, p.report_date, c.os_short_name, c.crash_type_id;

    DROP TABLE pg_temp.live_cbu;
    RETURN v_rows;
END;
$$;
COMMENT ON FUNCTION live_delta_crashes_by_user() IS
'Adds the live reports'' changes (temporary table live_delta) to crashes_by_user with update_crashes_by_user''s rules: counts per version, day, OS and crash type, the ADI update_adu has loaded, rapid-beta parents. Called by update_reports_live; adds, so only as part of it.';
