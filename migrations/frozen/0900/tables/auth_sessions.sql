-- auth_sessions: signed-in browser sessions. Only the SHA-256 of the session id is stored (the
-- id itself lives in the signed cookie), so a copy of this table signs nobody in.
CREATE TABLE auth_sessions (
    session_hash text PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
COMMENT ON TABLE auth_sessions IS 'Browser sessions: SHA-256 of the session id, the user, expiry. Created at sign-in (a new id each time), deleted at sign-out and password change.';
