-- auth_password_hash(p_email text) -> TABLE(user_id bigint, password_hash text)
-- The stored argon2 hash of an active user, for checking a password in Python (no row: no
-- such active user). Callers: web/auth.py sign-in and password change. Read-only.
CREATE OR REPLACE FUNCTION auth_password_hash(p_email text)
RETURNS TABLE (user_id bigint, password_hash text)
LANGUAGE sql
STABLE
AS $$
    SELECT id, password_hash FROM auth_users WHERE email = btrim(p_email)::citext AND is_active;
$$;
COMMENT ON FUNCTION auth_password_hash(text) IS
'The argon2 password hash of an active user by e-mail (none: unknown or inactive). Called by sign-in and password change; read-only.';
