-- product_selector: the versions still shown (not past their sunset date), for version menus.
-- Callers: the web layer. Read-only.
CREATE OR REPLACE VIEW product_selector AS
SELECT pv.product_name, pv.version_string, 'new'::text AS which_table, pv.version_sort
  FROM product_versions pv
 WHERE utc_today() <= pv.sunset_date;
COMMENT ON VIEW product_selector IS 'Product versions not yet past their sunset date (version menus). Read by the web layer.';
