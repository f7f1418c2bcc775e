-- raw_adi_matched: every raw_adi row with the product version it counts for (Socorro's ADI
-- matching rules, shared by update_adu and update_build_adu):
--   * product: product_productid_map by application GUID (braces ignored on both sides), else
--     the row's product_name; channel through release_channel_matches; OS through
--     os_name_matches on product_os_platform ('Unknown' otherwise); build as a number;
--   * release, nightly, aurora: version string and channel equal;
--   * esr: version string equal to the version, or to the version plus "esr";
--   * beta: release version (or version string) equal AND the build listed in
--     product_version_builds, so beta ADI lands on the right beta;
--   * only versions whose [build_date, sunset_date + 1] holds the day; rapid-beta parents
--     never match directly (their children do; rapid_beta_id names the parent).
-- product_version_id is NULL for rows matching no version. Callers: update_adu,
-- update_build_adu, DBAs checking why ADI is missing. Read-only.
CREATE OR REPLACE VIEW raw_adi_matched AS
WITH adi AS (
    SELECT a.date AS adu_date,
           coalesce(m.product_name, btrim(a.product_name)::citext) AS product_name,
           btrim(a.product_version)::citext AS product_version,
           ch.build_type,
           build_numeric(btrim(a.build)) AS build,
           coalesce(os.os_name, 'Unknown')::citext AS os_name,
           a.adi_count
      FROM raw_adi a
      LEFT JOIN product_productid_map m ON btrim(m.productid, '{}') = btrim(a.product_guid, '{}')
      LEFT JOIN LATERAL (
          SELECT o.os_name FROM os_name_matches o
           WHERE a.product_os_platform ILIKE o.match_string
           ORDER BY o.os_name LIMIT 1
      ) AS os ON true
      LEFT JOIN LATERAL (
          SELECT lower(c.release_channel)::build_type AS build_type FROM release_channel_matches c
           WHERE a.update_channel ILIKE c.match_string
             AND lower(c.release_channel) IN (SELECT unnest(enum_range(NULL::build_type))::text)
           ORDER BY length(c.match_string) DESC, c.release_channel LIMIT 1
      ) AS ch ON true
)
SELECT adi.adu_date, adi.product_name, adi.product_version, adi.build_type, adi.build, adi.os_name,
       adi.adi_count, pv.product_version_id, pv.rapid_beta_id
  FROM adi
  LEFT JOIN LATERAL (
      SELECT v.product_version_id, v.rapid_beta_id
        FROM product_versions v
       WHERE v.product_name = adi.product_name
         AND adi.adu_date BETWEEN v.build_date AND v.sunset_date + 1
         AND NOT coalesce(v.is_rapid_beta, false)
         AND CASE adi.build_type
                 WHEN 'beta' THEN v.build_type = 'beta'
                      AND (v.release_version = adi.product_version OR v.version_string = adi.product_version)
                      AND EXISTS (SELECT 1 FROM product_version_builds b
                                   WHERE b.product_version_id = v.product_version_id AND b.build_id = adi.build)
                 WHEN 'esr' THEN v.build_type = 'esr'
                      AND (v.version_string = adi.product_version OR v.version_string = adi.product_version || 'esr')
                 ELSE v.build_type = adi.build_type::text AND v.version_string = adi.product_version
             END
       ORDER BY v.product_version_id
       LIMIT 1
  ) AS pv ON true;
COMMENT ON VIEW raw_adi_matched IS 'raw_adi rows with their product name (GUID map), channel, OS, numeric build and the product version they count for (NULL when none): the ADI matching rules of update_adu and update_build_adu. Read-only.';
