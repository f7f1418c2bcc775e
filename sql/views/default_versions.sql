-- default_versions: the version each product's pages show when none is chosen: a version live
-- today first, then a featured one, then by channel order and newest version.
-- Callers: the web layer. Read-only.
CREATE OR REPLACE VIEW default_versions AS
SELECT d.product_name, d.version_string, d.product_version_id
  FROM (SELECT pi.product_name, pi.version_string, pi.product_version_id,
               row_number() OVER (PARTITION BY pi.product_name
                                  ORDER BY (utc_today() BETWEEN pi.start_date AND pi.end_date) DESC,
                                           pi.is_featured DESC, pi.channel_sort DESC NULLS LAST,
                                           pi.version_sort DESC) AS sort_count
          FROM product_info pi) AS d
 WHERE d.sort_count = 1;
COMMENT ON VIEW default_versions IS 'One default version per product: live today, then featured, then channel order and newest. Read by the web layer.';
