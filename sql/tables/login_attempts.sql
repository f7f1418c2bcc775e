-- login_attempts: every sign-in attempt, for throttling (auth_login_allowed) and audit.
CREATE TABLE login_attempts (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    email citext NOT NULL,
    remote_addr text NOT NULL DEFAULT '',
    success boolean NOT NULL
);
CREATE INDEX login_attempts_email_at ON login_attempts (email, at);
CREATE INDEX login_attempts_addr_at ON login_attempts (remote_addr, at);
COMMENT ON TABLE login_attempts IS 'Sign-in attempts (e-mail, address, success); recent failures block further attempts (auth_login_allowed).';
