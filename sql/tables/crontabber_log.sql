-- crontabber_log: every job run, with its duration or its exception, and what the procedures said.
CREATE TABLE crontabber_log (
    id serial PRIMARY KEY,
    app_name text NOT NULL,
    log_time timestamptz NOT NULL DEFAULT now(),
    duration interval,
    success timestamptz,
    exc_type text,
    exc_value text,
    exc_traceback text,
    notices text[]
);
CREATE INDEX crontabber_log_app_name_idx ON crontabber_log (app_name, log_time DESC);
COMMENT ON TABLE crontabber_log IS 'Every job run: success holds the logical date computed with the duration, or exc_type/exc_value/exc_traceback on failure; notices holds what the job''s procedures reported (RAISE NOTICE/INFO/WARNING) and the results of its calls.';
