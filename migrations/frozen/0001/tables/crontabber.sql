-- crontabber: the state of each scheduled job (the crontabber runner reads and writes it).
CREATE TABLE crontabber (
    app_name text PRIMARY KEY,
    next_run timestamptz,
    first_run timestamptz,
    last_run timestamptz,
    last_success timestamptz,
    error_count integer NOT NULL DEFAULT 0,
    depends_on text[],
    last_error jsonb,
    ongoing timestamptz
);
COMMENT ON TABLE crontabber IS 'One row per job: when it runs next, its last run and last success, consecutive errors and the last error, and the ongoing lock time.';
