-- Seed rows (Socorro staticdata): raw ReleaseChannel values of each channel. Rerun-safe.
INSERT INTO release_channel_matches (release_channel, match_string) VALUES
    ('Release', 'release'), ('Release', 'default'), ('Beta', 'beta'), ('Aurora', 'aurora'),
    ('Nightly', 'nightly%'), ('ESR', 'esr')
ON CONFLICT DO NOTHING;
