-- auth_session_delete(p_session_hash text) -> boolean
-- Ends a session (sign-out); false when there was none. Callers: /logout/. Rerun-safe.
CREATE OR REPLACE FUNCTION auth_session_delete(p_session_hash text)
RETURNS boolean
LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM auth_sessions WHERE session_hash = p_session_hash;
    RETURN FOUND;
END;
$$;
COMMENT ON FUNCTION auth_session_delete(text) IS 'Ends a session by its hash (sign-out); false when none. Rerun-safe.';
