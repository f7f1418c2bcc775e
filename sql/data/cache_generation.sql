-- Seed row: generation 1 of the web cache (bumped_at fixed, so every build has the same row).
-- Rerun-safe.
INSERT INTO cache_generation (id, generation, bumped_at, reason) VALUES (true, 1, 'epoch', 'schema built')
ON CONFLICT DO NOTHING;
