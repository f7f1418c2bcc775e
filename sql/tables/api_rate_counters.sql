-- api_rate_counters: requests per client and minute for the API rate limit (api_rate_hit).
-- UNLOGGED: counters are worth nothing after a crash.
CREATE UNLOGGED TABLE api_rate_counters (
    client text NOT NULL,
    window_start timestamptz NOT NULL,
    hits integer NOT NULL DEFAULT 0,
    PRIMARY KEY (client, window_start)
);
COMMENT ON TABLE api_rate_counters IS 'API requests per client (address or user) and one-minute window, counted by api_rate_hit(); old windows are deleted by it.';
