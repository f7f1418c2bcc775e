-- current_cache_generation() -> bigint
-- The web cache's generation number (1 when the row is missing).
-- Callers: the web app, once per request, to build its memcached keys. Read-only.
CREATE OR REPLACE FUNCTION current_cache_generation()
RETURNS bigint
LANGUAGE sql STABLE
AS $$
    SELECT coalesce((SELECT generation FROM cache_generation WHERE id), 1);
$$;
COMMENT ON FUNCTION current_cache_generation() IS
'The generation number carried by every web cache key. Read by the web app per request; read-only.';
