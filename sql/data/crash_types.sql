-- Seed rows (Socorro staticdata): report types. The process types of the two hang rows are
-- swapped exactly as Socorro seeded them, and "Hang Browser" is left out of aggregates
-- (include_agg) so that a hang pair counts once. Rerun-safe.
INSERT INTO crash_types (crash_type_id, crash_type, crash_type_short, process_type, has_hang_id, old_code, include_agg) VALUES
    (1, 'Browser', 'crash', 'browser', false, 'C', true),
    (2, 'OOP Plugin', 'oop', 'plugin', false, 'P', true),
    (3, 'Hang Browser', 'hang-b', 'plugin', true, 'c', false),
    (4, 'Hang Plugin', 'hang-p', 'browser', true, 'p', true),
    (5, 'Content', 'content', 'content', false, 'T', true)
ON CONFLICT DO NOTHING;
SELECT setval(pg_get_serial_sequence('crash_types', 'crash_type_id'), (SELECT max(crash_type_id) FROM crash_types));
