-- auth_session_create(p_user_id bigint, p_session_hash text, p_lifetime interval,
--                     p_replaces text) -> timestamptz
-- Starts a session (the SHA-256 of a new random id) lasting p_lifetime and returns its expiry;
-- the session the browser had before signing in (p_replaces) and the user's expired sessions
-- are deleted, so a session id is never reused across a sign-in (no fixation).
-- Callers: web/auth.py at sign-in. Not rerun-safe (a second call with the same hash raises).
CREATE OR REPLACE FUNCTION auth_session_create(
    p_user_id bigint, p_session_hash text, p_lifetime interval DEFAULT '14 days', p_replaces text DEFAULT NULL
)
RETURNS timestamptz
LANGUAGE plpgsql
AS $$
DECLARE
    v_expires timestamptz := now() + p_lifetime;
BEGIN
    IF p_lifetime <= interval '0' THEN
        RAISE EXCEPTION 'auth_session_create: the lifetime must be positive' USING ERRCODE = 'invalid_parameter_value',
            HINT = 'e.g. 14 days';
    END IF;
    DELETE FROM auth_sessions WHERE session_hash = p_replaces OR (user_id = p_user_id AND expires_at <= now());
    INSERT INTO auth_sessions (session_hash, user_id, expires_at) VALUES (p_session_hash, p_user_id, v_expires);
    RETURN v_expires;
END;
$$;
COMMENT ON FUNCTION auth_session_create(bigint, text, interval, text) IS
'Starts a session (hash of a new id) for a user, deleting the replaced and expired ones; returns the expiry. Called at sign-in; not rerun-safe.';
