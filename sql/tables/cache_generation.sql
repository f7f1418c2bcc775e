-- cache_generation: the web cache's generation number (one row). Every memcached key of a page
-- or API answer carries it; bump_cache_generation() raises it after a report job or an admin
-- edit, so the next request misses the cache and reads the new data.
CREATE TABLE cache_generation (
    id boolean PRIMARY KEY DEFAULT true,
    generation bigint NOT NULL DEFAULT 1,
    bumped_at timestamptz NOT NULL DEFAULT now(),
    reason text NOT NULL DEFAULT '',
    CONSTRAINT cache_generation_one_row CHECK (id)
);
COMMENT ON TABLE cache_generation IS 'One row: the generation number in every web cache key (pages, JSON answers), raised by bump_cache_generation() after report jobs and admin edits.';
