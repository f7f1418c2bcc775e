-- auth_session_user(p_session_hash text) -> TABLE(user_id, email, is_superuser, permissions)
-- Who a browser session belongs to: its active user and their effective permissions, or no
-- row (unknown, expired, user deactivated). Callers: web/auth.py for every request with a
-- session cookie. Read-only.
CREATE OR REPLACE FUNCTION auth_session_user(p_session_hash text)
RETURNS TABLE (user_id bigint, email text, is_superuser boolean, permissions text[])
LANGUAGE sql
STABLE
AS $$
    SELECT u.id, u.email::text, u.is_superuser, u.permissions
      FROM auth_sessions s
      JOIN auth_user_summary u ON u.id = s.user_id
     WHERE s.session_hash = p_session_hash AND s.expires_at > now() AND u.is_active;
$$;
COMMENT ON FUNCTION auth_session_user(text) IS
'The active user of an unexpired session (by hash) with effective permissions; no row otherwise. Called per request with a session cookie; read-only.';
