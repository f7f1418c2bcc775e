-- Seed rows (Socorro staticdata): repositories whose releases count. Rerun-safe.
INSERT INTO release_repositories (repository) VALUES
    ('dev'), ('beta'), ('release'), ('esr'),
    ('other-dev'), ('other-beta'), ('other-release'), ('other-esr')
ON CONFLICT DO NOTHING;
