-- uptime_levels: the uptime buckets of the signature summary.
CREATE TABLE uptime_levels (
    uptime_level serial PRIMARY KEY,
    uptime_string citext NOT NULL CONSTRAINT uptime_levels_uptime_string_key UNIQUE,
    min_uptime interval NOT NULL,
    max_uptime interval NOT NULL,
    CONSTRAINT period_check CHECK (min_uptime < max_uptime)
);
COMMENT ON TABLE uptime_levels IS 'Uptime buckets ("< 1 min" ... "> 1 hour"): min_uptime inclusive, max_uptime exclusive.';
