-- product_info: every product version with its window, channel, throttle and sort keys
-- (Socorro's view, with the throttle from product_build_types).
-- Callers: the web layer (/products/, version menus), default_versions, DBAs. Read-only.
CREATE OR REPLACE VIEW product_info AS
SELECT pv.product_version_id,
       pv.product_name,
       pv.version_string,
       'new'::text AS which_table,
       pv.build_date AS start_date,
       pv.sunset_date AS end_date,
       pv.featured_version AS is_featured,
       pv.build_type,
       (coalesce(pbt.throttle, 1.0) * 100)::numeric(5, 2) AS throttle,
       pv.version_sort,
       p.sort AS product_sort,
       rc.sort AS channel_sort,
       pv.has_builds,
       pv.is_rapid_beta,
       pv.rapid_beta_id,
       pv.release_version,
       pv.major_version
  FROM product_versions pv
  JOIN products p ON p.product_name = pv.product_name
  LEFT JOIN product_build_types pbt ON pbt.product_name = pv.product_name AND pbt.build_type::text = pv.build_type::text
  LEFT JOIN release_channels rc ON rc.release_channel = pv.build_type;
COMMENT ON VIEW product_info IS 'Product versions with start/end dates (build and sunset), featured flag, channel, throttle in percent and sort keys. Read by the web layer and default_versions.';
