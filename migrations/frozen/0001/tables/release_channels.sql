-- release_channels: display names and order of channels (deprecated in Socorro, still read by views).
CREATE TABLE release_channels (
    release_channel citext PRIMARY KEY,
    sort smallint NOT NULL DEFAULT 0
);
COMMENT ON TABLE release_channels IS 'Channel display names and their order (Nightly, Aurora, Beta, Release, ESR).';
