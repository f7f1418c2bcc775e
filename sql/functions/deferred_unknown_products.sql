-- deferred_unknown_products() -> TABLE (product_name text, crashes bigint, first_submitted timestamptz, last_submitted timestamptz)
-- The stored crashes the collector deferred because their product is not registered (the
-- throttle rule everything_else): per product name as the client sent it, how many and when
-- the first and last arrived. They are processed once the product is added (the admin's
-- product form or add_new_product: the products trigger queues them). Read through the partial
-- index raw_crashes_deferred_product, which holds only such crashes.
-- Callers: the status page (/status). Read-only.
CREATE OR REPLACE FUNCTION deferred_unknown_products()
RETURNS TABLE (product_name text, crashes bigint, first_submitted timestamptz, last_submitted timestamptz)
LANGUAGE sql STABLE
SET "TimeZone" TO 'UTC'
AS $$
    SELECT coalesce(r.raw_crash->>'ProductName', ''), count(*), min(r.date_processed), max(r.date_processed)
      FROM raw_crashes r
     WHERE r.raw_crash->>'legacy_processing' = '1'
       AND r.raw_crash->'metadata'->>'throttle_rule' = 'everything_else'
       AND NOT EXISTS (SELECT 1 FROM products p WHERE p.product_name = (r.raw_crash->>'ProductName')::citext)
     GROUP BY 1
     ORDER BY 2 DESC, 1;
$$;
COMMENT ON FUNCTION deferred_unknown_products() IS
'Crashes deferred because their product is not registered (throttle rule everything_else), per product: count, first and last submission. They are queued when the product is added. Called by the status page; read-only.';
