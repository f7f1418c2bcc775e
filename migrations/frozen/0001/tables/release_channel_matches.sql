-- release_channel_matches: which raw ReleaseChannel values belong to each channel.
CREATE TABLE release_channel_matches (
    release_channel citext NOT NULL REFERENCES release_channels (release_channel) ON UPDATE CASCADE,
    match_string text NOT NULL,
    PRIMARY KEY (release_channel, match_string)
);
COMMENT ON TABLE release_channel_matches IS 'LIKE patterns mapping raw ReleaseChannel annotations to release_channels.';
