-- Seed rows (Socorro staticdata): release channels and their display order. Rerun-safe.
INSERT INTO release_channels (release_channel, sort) VALUES
    ('Nightly', 1), ('Aurora', 2), ('Beta', 3), ('Release', 4), ('ESR', 5)
ON CONFLICT DO NOTHING;
