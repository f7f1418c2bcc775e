-- queue_deferred_crashes(p_product text DEFAULT NULL) -> integer
-- Queues for processing the stored crashes the collector deferred because their product was
-- not registered (the throttle rule everything_else, the default rules' last), now that their
-- product is in products: of one product, or (NULL) of every registered product. Each such raw
-- crash is marked accepted (legacy_processing 0, throttle_rate 100, its metadata's
-- throttle_rule becomes registered_product_added, so it leaves the deferred list) and queued
-- at normal priority (queue_crash_processing). Crashes of products still unknown stay
-- deferred (deferred_unknown_products counts them). Returns how many it queued.
-- Callers: the products_queue_deferred trigger (a product added or renamed), DBAs (SELECT
-- queue_deferred_crashes()). Rerun-safe: a crash is queued once.
CREATE OR REPLACE FUNCTION queue_deferred_crashes(p_product text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_ids uuid[];
BEGIN
    WITH released AS (
        UPDATE raw_crashes r
           SET raw_crash = jsonb_set(r.raw_crash || '{"legacy_processing": 0, "throttle_rate": 100}',
                                     '{metadata,throttle_rule}', '"registered_product_added"')
         WHERE r.raw_crash->>'legacy_processing' = '1'
           AND r.raw_crash->'metadata'->>'throttle_rule' = 'everything_else'
           AND (p_product IS NULL OR (r.raw_crash->>'ProductName')::citext = p_product::citext)
           AND EXISTS (SELECT 1 FROM products p WHERE p.product_name = (r.raw_crash->>'ProductName')::citext)
        RETURNING r.uuid
    )
    SELECT coalesce(array_agg(released.uuid), '{}') INTO v_ids FROM released;
    IF cardinality(v_ids) > 0 THEN
        PERFORM queue_crash_processing(v_ids, 2::smallint);
        RAISE NOTICE 'queued % crashes deferred while their product (%) was not registered',
                     cardinality(v_ids), coalesce(p_product, 'any');
    END IF;
    RETURN cardinality(v_ids);
END;
$$;
COMMENT ON FUNCTION queue_deferred_crashes(text) IS
'Queues the crashes deferred (throttle rule everything_else) while their product was unknown, now that it is registered (one product or all), marking them accepted; returns how many. Called by the products trigger and by DBAs; rerun-safe.';
