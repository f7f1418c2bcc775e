-- products_queue_deferred() -> trigger
-- AFTER INSERT OR UPDATE OF product_name trigger of products: queues the crashes the collector
-- deferred while the product was not registered (queue_deferred_crashes), in the transaction
-- that adds it, so they are processed once the product exists.
-- Callers: the products_queue_deferred trigger. Rerun-safe.
CREATE OR REPLACE FUNCTION products_queue_deferred()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM queue_deferred_crashes(NEW.product_name::text);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION products_queue_deferred() IS
'Trigger function of products: queues the crashes deferred while the added (or renamed) product was unknown (queue_deferred_crashes). Rerun-safe.';
