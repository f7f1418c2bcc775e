-- Seed rows (Socorro staticdata): patterns mapping raw OS names to os_names. Rerun-safe.
INSERT INTO os_name_matches (os_name, match_string) VALUES
    ('Windows', 'Windows%'), ('Mac OS X', 'Mac%'), ('Mac OS X', 'Darwin%'), ('Linux', 'Linux%')
ON CONFLICT DO NOTHING;
