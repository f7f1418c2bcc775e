-- Seed rows (Socorro staticdata): uptime buckets of the signature summary. Rerun-safe.
INSERT INTO uptime_levels (uptime_level, uptime_string, min_uptime, max_uptime) VALUES
    (1, '< 1 min', '0 seconds', '1 minute'),
    (2, '1-5 min', '1 minute', '5 minutes'),
    (3, '5-15 min', '5 minutes', '15 minutes'),
    (4, '15-60 min', '15 minutes', '1 hour'),
    (5, '> 1 hour', '1 hour', '1 year')
ON CONFLICT DO NOTHING;
SELECT setval(pg_get_serial_sequence('uptime_levels', 'uptime_level'), (SELECT max(uptime_level) FROM uptime_levels));
