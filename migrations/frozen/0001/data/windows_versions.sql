-- Seed rows (Socorro staticdata, plus later Windows releases): version numbers to names. Rerun-safe.
INSERT INTO windows_versions (windows_version_name, major_version, minor_version) VALUES
    ('Windows NT', 3, 5),
    ('Windows NT', 4, 0),
    ('Windows 98', 4, 1),
    ('Windows Me', 4, 9),
    ('Windows 2000', 5, 0),
    ('Windows XP', 5, 1),
    ('Windows Server 2003', 5, 2),
    ('Windows Vista', 6, 0),
    ('Windows 7', 6, 1),
    ('Windows 8', 6, 2),
    ('Windows 8.1', 6, 3),
    ('Windows 10', 10, 0)
ON CONFLICT DO NOTHING;
