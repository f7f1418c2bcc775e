-- Seed rows (Socorro staticdata): operating systems and their short names. Rerun-safe.
INSERT INTO os_names (os_name, os_short_name) VALUES
    ('Windows', 'win'), ('Mac OS X', 'mac'), ('Linux', 'lin'), ('Unknown', 'unknown')
ON CONFLICT DO NOTHING;
