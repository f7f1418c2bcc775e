-- auth_token_user(p_token_hash text) -> TABLE(token_id, user_id, email, permissions)
-- Who an API token (Auth-Token header) acts for: its active owner, with the token's permissions
-- that the owner still holds (a permission taken from the user is gone from their tokens), or
-- no row (unknown, expired, revoked, owner inactive). A token never makes a superuser.
-- Callers: web/auth.py for every request with an Auth-Token header. Read-only.
CREATE OR REPLACE FUNCTION auth_token_user(p_token_hash text)
RETURNS TABLE (token_id bigint, user_id bigint, email text, permissions text[])
LANGUAGE sql
STABLE
AS $$
    SELECT t.id, u.id, u.email::text,
           coalesce((SELECT array_agg(p ORDER BY p) FROM unnest(t.permissions) p
                      WHERE p = ANY (u.permissions)), '{}')
      FROM api_tokens t
      JOIN auth_user_summary u ON u.id = t.user_id
     WHERE t.token_hash = p_token_hash AND t.revoked_at IS NULL AND t.expires_at > now() AND u.is_active;
$$;
COMMENT ON FUNCTION auth_token_user(text) IS
'The active owner of a valid API token (by hash) and the token''s permissions the owner still holds; no row when unknown, expired or revoked. Called per API request with Auth-Token; read-only.';
