-- update_product_versions(product_window integer DEFAULT 30) -> boolean
-- Derives product_versions and product_version_builds from releases_raw, for builds of the
-- last product_window days (Socorro's rules):
--   * releases_raw.product_name is a release_name: joined to products through it, renamed per
--     platform/repository/channel by special_product_platforms (from min_version on);
--   * only whitelisted repositories (release_repositories), and versions that fit their channel
--     (version_matches_channel); only versions at or past the product's rapid_release_version;
--   * release builds of an ESR version ('%esr') become channel esr;
--   * one product_versions row per (product, version string) not yet present: major_version,
--     version_sort, build_date and sunset_date from the earliest build, has_builds for aurora
--     and nightly;
--   * betas at or past the product's rapid_beta_version are rapid betas: one parent row
--     "<version>b" (beta_number 0, is_rapid_beta, has_builds, no builds of its own) and the
--     individual betas as children (rapid_beta_id = parent, the parent's sunset_date);
--   * every build (build id, platform, repository) of a version in product_version_builds.
-- Cumulative and idempotent: existing rows are kept, a rerun adds nothing new.
-- Callers: the product-versions job (daily), add_new_release(update_products), backfill_matviews,
-- crashstats demo. Rerun-safe.
CREATE OR REPLACE FUNCTION update_product_versions(product_window integer DEFAULT 30)
RETURNS boolean
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
BEGIN
    IF product_window IS NULL OR product_window < 1 THEN
        RAISE EXCEPTION 'update_product_versions: product_window must be 1 day or more, got %', product_window
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM matview_lock('update_product_versions');

    CREATE TEMP TABLE releases_recent ON COMMIT DROP AS
    SELECT coalesce(spp.product_name, p.product_name)::citext AS product_name,
           r.version,
           CASE WHEN r.build_type = 'beta' THEN nullif(r.beta_number, 0) END AS beta_number,
           r.build_id,
           CASE WHEN lower(r.build_type) = 'release' AND r.version ILIKE '%esr' THEN 'esr'
                ELSE lower(r.build_type) END::citext AS build_type,
           r.platform,
           r.repository,
           r.version_build,
           is_rapid_beta(lower(r.build_type)::citext, r.version, p.rapid_beta_version) AS is_rapid_beta
      FROM releases_raw r
      JOIN products p ON p.release_name = r.product_name
      JOIN release_repositories rr ON rr.repository = r.repository
      LEFT JOIN LATERAL (
          SELECT s.product_name
            FROM special_product_platforms s
           WHERE s.release_name = r.product_name AND s.platform = r.platform
             AND s.repository = r.repository AND s.release_channel = r.build_type
             AND (s.min_version IS NULL OR major_version_sort(r.version) >= major_version_sort(s.min_version))
             AND EXISTS (SELECT 1 FROM products sp WHERE sp.product_name = s.product_name)
           ORDER BY s.product_name
           LIMIT 1
      ) AS spp ON true
     WHERE build_date(r.build_id) > utc_today() - product_window
       AND version_matches_channel(r.version, r.build_type)
       AND lower(r.build_type) IN (SELECT unnest(enum_range(NULL::build_type))::text)
       AND (p.rapid_release_version IS NULL
            OR major_version_sort(r.version) >= major_version_sort(p.rapid_release_version))
       AND r.version ~ '^\d+\.\d+';

    -- releases, ESRs, aurora, nightly, and betas below the rapid-beta threshold
    INSERT INTO product_versions (product_name, major_version, release_version, version_string, beta_number,
                                  version_sort, build_date, sunset_date, build_type, build_type_enum,
                                  has_builds, is_rapid_beta, version_build)
    SELECT rr.product_name,
           to_major_version(rr.version),
           rr.version,
           version_string(rr.version, rr.beta_number, rr.build_type),
           rr.beta_number,
           version_sort(rr.version, coalesce(rr.beta_number, 0), rr.build_type),
           build_date(min(rr.build_id)),
           sunset_date(min(rr.build_id), rr.build_type),
           rr.build_type,
           rr.build_type::text::build_type,
           rr.build_type IN ('aurora', 'nightly'),
           false,
           min(rr.version_build)
      FROM releases_recent rr
     WHERE NOT rr.is_rapid_beta
     GROUP BY rr.product_name, rr.version, rr.beta_number, rr.build_type
     ORDER BY rr.product_name, version_sort(rr.version, coalesce(rr.beta_number, 0), rr.build_type)
    ON CONFLICT (product_name, version_string) DO NOTHING;

    -- rapid-beta parents: one "<version>b" row per rapid beta version
    INSERT INTO product_versions (product_name, major_version, release_version, version_string, beta_number,
                                  version_sort, build_date, sunset_date, build_type, build_type_enum,
                                  has_builds, is_rapid_beta)
    SELECT rr.product_name,
           to_major_version(rr.version),
           rr.version,
           rr.version || 'b',
           0,
           version_sort(rr.version, 0, 'beta'),
           build_date(min(rr.build_id)),
           sunset_date(min(rr.build_id), 'beta'),
           'beta',
           'beta',
           true,
           true
      FROM releases_recent rr
     WHERE rr.is_rapid_beta
     GROUP BY rr.product_name, rr.version
     ORDER BY rr.product_name, version_sort(rr.version, 0, 'beta')
    ON CONFLICT (product_name, version_string) DO NOTHING;

    -- rapid-beta children, pointing at their parent and sharing its sunset date
    INSERT INTO product_versions (product_name, major_version, release_version, version_string, beta_number,
                                  version_sort, build_date, sunset_date, build_type, build_type_enum,
                                  has_builds, is_rapid_beta, rapid_beta_id, version_build)
    SELECT rr.product_name,
           to_major_version(rr.version),
           rr.version,
           version_string(rr.version, rr.beta_number, 'beta'),
           rr.beta_number,
           version_sort(rr.version, coalesce(rr.beta_number, 0), 'beta'),
           build_date(min(rr.build_id)),
           parent.sunset_date,
           'beta',
           'beta',
           false,
           false,
           parent.product_version_id,
           min(rr.version_build)
      FROM releases_recent rr
      JOIN product_versions parent
        ON parent.product_name = rr.product_name AND parent.version_string = rr.version || 'b'
       AND parent.is_rapid_beta
     WHERE rr.is_rapid_beta
     GROUP BY rr.product_name, rr.version, rr.beta_number, parent.sunset_date, parent.product_version_id
     ORDER BY rr.product_name, version_sort(rr.version, coalesce(rr.beta_number, 0), 'beta')
    ON CONFLICT (product_name, version_string) DO NOTHING;

    -- the builds of every version (parents have none)
    INSERT INTO product_version_builds (product_version_id, build_id, platform, repository)
    SELECT DISTINCT pv.product_version_id, rr.build_id, rr.platform, rr.repository
      FROM releases_recent rr
      JOIN product_versions pv
        ON pv.product_name = rr.product_name
       AND pv.version_string = version_string(rr.version, rr.beta_number, rr.build_type)
       AND pv.build_type = rr.build_type
       AND NOT coalesce(pv.is_rapid_beta, false)
    ON CONFLICT (product_version_id, build_id, platform) DO NOTHING;

    DROP TABLE pg_temp.releases_recent;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION update_product_versions(integer) IS
'Adds the product_versions (with rapid-beta parents and children) and product_version_builds derived from the releases of the last product_window days. Product-versions job, add_new_release, backfill_matviews; cumulative and rerun-safe.';
